// compute_unit_fixed.v: synthesis wrapper — one conv layer with its geometry fixed.
//
// Ties every cfg_* port of compute_unit to a parameter so that synthesis folds the
// run-time configuration away, and sizes the line buffer, weight banks and BN memories
// to this layer exactly (P, CFW, NFW, WDEPTH derived from H, W, CIN, COUT, K, STRIDE).
// Used by scripts/synth.sh for the DSP/BRAM/LUT/FF counts (issue 6 fits a model to them).
`default_nettype none
module compute_unit_fixed #(
    parameter PE      = 4,
    parameter SIMD    = 8,
    parameter WBITS   = 4,
    parameter ABITS   = 4,
    parameter K       = 3,
    parameter MODE    = 0,
    parameter PACK    = 0,
    parameter CIN     = 32,
    parameter COUT    = 32,
    parameter H       = 32,
    parameter W       = 32,
    parameter STRIDE  = 1,
    parameter DW      = 0,
    parameter OBIT    = 4,
    parameter SHIFT   = 15,
    parameter FIFO    = 128, // input FIFO in pixels (the C model's fifo_depth)
    parameter REQUANT = 1,   // 0: raw accumulator + bias (a head)
    parameter RELU    = 1,
    parameter ROM     = 0,   // 1: weights and BN constants from WINIT / BINIT (tf2sim generate)
    parameter WINIT   = "",
    parameter BINIT   = ""
) (
    input  wire                                        clk,
    input  wire                                        rst,
    input  wire                                        start,
    input  wire                                        in_valid,
    output wire                                        in_ready,
    input  wire [CIN*ABITS-1:0]                        in_data,
    input  wire                                        wld_valid,
    output wire                                        wld_ready,
    /* verilator lint_off UNUSEDSIGNAL */ // load addresses are wider than this layer needs
    input  wire [31:0]                                 wld_addr,
    input  wire [7:0]                                  wld_pe,
    input  wire [SIMD*WBITS-1:0]                       wld_data,
    input  wire                                        bld_valid,
    input  wire [15:0]                                 bld_addr,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [7:0]                                  bld_pe,
    input  wire [31:0]                                 bld_inc,
    input  wire [31:0]                                 bld_bias,
    output wire                                        out_valid,
    input  wire                                        out_ready,
    output wire [PE*32-1:0]                            out_data,
    output wire                                        busy,
    output wire                                        sched_busy,
    output wire [31:0]                                 cycles
);
    function integer clog2;
        input integer v;
        integer t;
        begin
            clog2 = 0;
            t = v - 1;
            while (t > 0) begin
                clog2 = clog2 + 1;
                t = t >> 1;
            end
        end
    endfunction
    function integer max1;
        input integer v;
        begin
            max1 = (v < 1) ? 1 : v;
        end
    endfunction

    localparam PAD    = K / 2;
    localparam OH     = (H + 2 * PAD - K) / STRIDE + 1;
    localparam OW     = (W + 2 * PAD - K) / STRIDE + 1;
    localparam LIN    = (DW != 0) ? PE : SIMD;
    localparam CF     = CIN / LIN;
    // line-buffer rows: K + stride, or what the last window still needs, at most H
    localparam TAIL   = H - ((OH - 1) * STRIDE - PAD);
    localparam NR0    = (TAIL > K + STRIDE) ? TAIL : K + STRIDE;
    localparam NR     = (NR0 > H) ? H : NR0;
    localparam P      = NR * W + FIFO;    // line buffer + input FIFO, pixels
    localparam CFL    = (DW != 0) ? 1 : CF;
    localparam NF     = COUT / PE;
    localparam CFW    = max1(clog2((DW != 0) ? (CF > NF ? CF : NF) : CF));
    localparam NFW    = max1(clog2(NF));
    localparam WDEPTH = NF * K * K * CFL;
    localparam WAW    = max1(clog2(WDEPTH));
    localparam BOW    = clog2(CIN * ABITS) + 1;
    localparam PAW    = max1(clog2(P));
    localparam LINBITS = LIN * ABITS;

    compute_unit #(.PE(PE), .SIMD(SIMD), .WBITS(WBITS), .ABITS(ABITS), .K(K), .MODE(MODE),
                   .PACK(PACK), .CMAX(CIN), .PDEPTH(P), .CFW(CFW), .NFW(NFW), .WDEPTH(WDEPTH), .ROM(ROM),
                   .WINIT(WINIT), .BINIT(BINIT)) u_cu (
        .clk(clk), .rst(rst), .start(start),
        .cfg_h(H[15:0]), .cfg_w(W[15:0]), .cfg_oh(OH[15:0]), .cfg_ow(OW[15:0]), .cfg_k(K[3:0]),
        .cfg_stride(STRIDE[1:0]), .cfg_pad(PAD[2:0]), .cfg_cfl(CFL[CFW:0]),
        .cfg_nf(NF[NFW:0]), .cfg_p(P[PAW:0]), .cfg_linbits(LINBITS[BOW-1:0]), .cfg_dw(DW != 0), .cfg_mode(MODE == 1), .cfg_pack(PACK == 1),
        .cfg_requant(REQUANT != 0), .cfg_relu(RELU != 0), .cfg_shift(SHIFT[5:0]), .cfg_obit(OBIT[5:0]),
        .cfg_nout(OH * OW * NF),
        .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
        .wld_valid(wld_valid), .wld_ready(wld_ready), .wld_addr(wld_addr[WAW-1:0]), .wld_pe(wld_pe),
        .wld_data(wld_data),
        .bld_valid(bld_valid), .bld_addr(bld_addr[NFW-1:0]), .bld_pe(bld_pe), .bld_inc(bld_inc),
        .bld_bias(bld_bias),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data),
        .busy(busy), .sched_busy(sched_busy), .cycles(cycles));
endmodule
`default_nettype wire
