// compute_unit.v: the dataflow compute unit of one conv layer (MVAU schedule).
//
//   input stream -> feature_loader (line buffer) --\
//   scheduler (one control word per cycle) --------+-> pe_array -> adder -> output stream
//   weight load  -> filter_loader (double bank) ---/
//
// Parameters (same names as the C blocks): PE, SIMD, WBITS, ABITS, K (largest kernel),
// MODE (0 MAC, 1 SAC, 2 run-time choice), PACK (0 off, 1 on, 2 run-time choice).
// Sizing: CMAX channels per input pixel word; PDEPTH pixels of line buffer (+ input
// FIFO); CFW/NFW bits of channel-fold and output-fold indices; WDEPTH weight words per bank. The layer geometry comes in on cfg_* ports (held constant while busy);
// a synthesis wrapper ties them to constants (rtl/compute_unit_fixed.v).
// Streams are valid/ready; the whole datapath advances on en = !out_valid || out_ready.
// `cycles` counts clock edges from `start` to the hand-over of the last output word.
`default_nettype none
module compute_unit #(
    parameter PE     = 8,
    parameter SIMD   = 16,
    parameter WBITS  = 8,
    parameter ABITS  = 8,
    parameter K      = 5,
    parameter MODE   = 2,
    parameter PACK   = 2,
    parameter CMAX   = 64,
    parameter PDEPTH = (K + 3) * 128, // line buffer of K+2 rows of 128 pixels + a 128-pixel FIFO
    parameter CFW    = 6,
    parameter NFW    = 6,
    parameter WDEPTH = 4096,
    parameter ROM    = 0,  // 1: weights and BN constants from WINIT / BINIT ($readmemh), load ports unused
    parameter WINIT  = "",
    parameter BINIT  = ""
) (
    input  wire                     clk,
    input  wire                     rst,
    input  wire                     start,
    // layer configuration
    input  wire [15:0]              cfg_h,
    input  wire [15:0]              cfg_w,
    input  wire [15:0]              cfg_oh,
    input  wire [15:0]              cfg_ow,
    input  wire [3:0]               cfg_k,
    input  wire [1:0]               cfg_stride,
    input  wire [2:0]               cfg_pad,
    input  wire [CFW:0]             cfg_cfl,    // channel folds per kernel position
    input  wire [NFW:0]             cfg_nf,     // output folds
    input  wire [PAW:0]             cfg_p,      // line buffer + input FIFO, pixels (see feature_loader)
    input  wire [BOW-1:0]           cfg_linbits, // bits of one feature fold (lanes * ABITS)
    input  wire                     cfg_dw,
    input  wire                     cfg_mode,
    input  wire                     cfg_pack,
    input  wire                     cfg_requant,
    input  wire                     cfg_relu,
    input  wire [5:0]               cfg_shift,
    input  wire [5:0]               cfg_obit,
    input  wire [31:0]              cfg_nout,   // output words of the layer (OH*OW*NF)
    // input feature stream
    input  wire                     in_valid,
    output wire                     in_ready,
    input  wire [CMAX*ABITS-1:0]    in_data,
    // weight load (shadow bank; swapped in by start)
    input  wire                     wld_valid,
    output wire                     wld_ready,
    input  wire [WAW-1:0]           wld_addr,
    input  wire [7:0]               wld_pe,
    input  wire [SIMD*WBITS-1:0]    wld_data,
    // BN / bias load
    input  wire                     bld_valid,
    input  wire [NFW-1:0]           bld_addr,
    input  wire [7:0]               bld_pe,
    input  wire [31:0]              bld_inc,
    input  wire [31:0]              bld_bias,
    // output stream
    output wire                     out_valid,
    input  wire                     out_ready,
    output wire [PE*32-1:0]         out_data,
    // status
    output reg                      busy,
    output wire                     sched_busy, // scheduler still issuing control words
    output reg  [31:0]              cycles
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

    localparam LANES = (SIMD > PE) ? SIMD : PE;
    localparam WAW   = (clog2(WDEPTH) < 1) ? 1 : clog2(WDEPTH);
    localparam ACCW  = 32;
    localparam BOW   = clog2(CMAX * ABITS) + 1;
    localparam PAW   = (clog2(PDEPTH) < 1) ? 1 : clog2(PDEPTH);

    // configuration registers: follow the cfg_* ports while idle, frozen while busy
    reg [15:0]   q_h;
    reg [15:0]   q_w;
    reg [15:0]   q_oh;
    reg [15:0]   q_ow;
    reg [3:0]    q_k;
    reg [1:0]    q_stride;
    reg [2:0]    q_pad;
    reg [PAW:0]  q_p;
    reg [BOW-1:0] q_linbits;
    reg [CFW:0]  q_cfl;
    reg [NFW:0]  q_nf;
    reg          q_dw;
    reg          q_mode;
    reg          q_pack;
    reg          q_requant;
    reg          q_relu;
    reg [5:0]    q_shift;
    reg [5:0]    q_obit;
    reg [31:0]   q_nout;
    always @(posedge clk)
        if (!busy) begin
            q_h <= cfg_h;
            q_w <= cfg_w;
            q_oh <= cfg_oh;
            q_ow <= cfg_ow;
            q_k <= cfg_k;
            q_stride <= cfg_stride;
            q_pad <= cfg_pad;
            q_p <= cfg_p;
            q_linbits <= cfg_linbits;
            q_cfl <= cfg_cfl;
            q_nf <= cfg_nf;
            q_dw <= cfg_dw;
            q_mode <= cfg_mode;
            q_pack <= cfg_pack;
            q_requant <= cfg_requant;
            q_relu <= cfg_relu;
            q_shift <= cfg_shift;
            q_obit <= cfg_obit;
            q_nout <= cfg_nout;
        end

    wire en = !out_valid || out_ready;

    wire [15:0] rows_done;
    wire [31:0] low_pix;
    wire        c_valid, c_pad, c_first, c_last;
    wire [PAW-1:0] c_addr;
    wire [CFW-1:0] c_fold;
    wire [WAW-1:0] c_waddr;
    wire [NFW-1:0] c_nf;

    scheduler #(.PAW(PAW), .CFW(CFW), .NFW(NFW), .WAW(WAW)) u_sched (
        .clk(clk), .rst(rst), .start(start),
        .cfg_h(q_h), .cfg_w(q_w), .cfg_oh(q_oh), .cfg_ow(q_ow), .cfg_k(q_k),
        .cfg_stride(q_stride), .cfg_pad(q_pad), .cfg_cfl(q_cfl), .cfg_nf(q_nf),
        .cfg_dw(q_dw), .cfg_p(q_p),
        .rows_done(rows_done), .low_pix(low_pix),
        .ctrl_ready(en), .ctrl_valid(c_valid), .ctrl_pad(c_pad), .ctrl_first(c_first),
        .ctrl_last(c_last), .ctrl_addr(c_addr), .ctrl_fold(c_fold),
        .ctrl_waddr(c_waddr), .ctrl_nf(c_nf), .busy(sched_busy));

    wire                   f_valid;
    wire [LANES*ABITS-1:0] f_data;
    feature_loader #(.LANES(LANES), .ABITS(ABITS), .CMAX(CMAX), .PAW(PAW), .PDEPTH(PDEPTH), .CFW(CFW),
                     .BOW(BOW)) u_feat (
        .clk(clk), .rst(rst), .start(start),
        .cfg_h(q_h), .cfg_w(q_w), .cfg_p(q_p), .cfg_linbits(q_linbits),
        .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
        .rows_done(rows_done), .low_pix(low_pix),
        .rd_en(en), .rd_valid(c_valid), .rd_pad(c_pad), .rd_addr(c_addr), .rd_fold(c_fold),
        .out_valid(f_valid), .out_data(f_data));

    wire [PE*SIMD*WBITS-1:0] w_data;
    filter_loader #(.PE(PE), .SIMD(SIMD), .WBITS(WBITS), .WAW(WAW), .WDEPTH(WDEPTH), .ROM(ROM), .INIT(WINIT)) u_filt (
        .clk(clk), .rst(rst), .start(start),
        .wld_valid(wld_valid), .wld_ready(wld_ready), .wld_addr(wld_addr), .wld_pe(wld_pe),
        .wld_data(wld_data), .rd_en(en), .rd_addr(c_waddr), .out_data(w_data));

    // control fields travel beside the RAM read (one stage)
    reg           s1_first, s1_last;
    reg [NFW-1:0] s1_nf;
    always @(posedge clk)
        if (en) begin
            s1_first <= c_first;
            s1_last  <= c_last;
            s1_nf    <= c_nf;
        end

    wire               p_valid, p_first, p_last;
    wire [NFW-1:0]     p_nf;
    wire [PE*ACCW-1:0] p_sum;
    pe_array #(.PE(PE), .SIMD(SIMD), .WBITS(WBITS), .ABITS(ABITS), .MODE(MODE), .PACK(PACK),
               .LANES(LANES), .NFW(NFW), .ACCW(ACCW)) u_pe (
        .clk(clk), .rst(rst), .en(en), .cfg_mode(q_mode), .cfg_pack(q_pack), .cfg_dw(q_dw),
        .in_valid(f_valid), .in_first(s1_first), .in_last(s1_last), .in_nf(s1_nf),
        .act(f_data), .wt(w_data),
        .out_valid(p_valid), .out_first(p_first), .out_last(p_last), .out_nf(p_nf), .psum(p_sum));

    adder #(.PE(PE), .NFW(NFW), .NFD(1 << NFW), .ACCW(ACCW), .ROM(ROM), .INIT(BINIT)) u_add (
        .clk(clk), .rst(rst), .en(en), .cfg_requant(q_requant), .cfg_relu(q_relu),
        .cfg_shift(q_shift), .cfg_obit(q_obit),
        .bld_valid(bld_valid), .bld_addr(bld_addr), .bld_pe(bld_pe), .bld_inc(bld_inc),
        .bld_bias(bld_bias),
        .in_valid(p_valid), .in_first(p_first), .in_last(p_last), .in_nf(p_nf), .psum(p_sum),
        .out_valid(out_valid), .out_data(out_data));

    // layer status: busy from start until the last output word is handed over
    reg [31:0] nout;
    wire out_fire = out_valid && out_ready;
    always @(posedge clk) begin
        if (rst) begin
            busy <= 1'b0;
            cycles <= 32'd0;
            nout <= 32'd0;
        end else if (start) begin
            busy <= 1'b1;
            cycles <= 32'd0;
            nout <= 32'd0;
        end else if (busy) begin
            cycles <= cycles + 32'd1;
            if (out_fire) begin
                nout <= nout + 32'd1;
                if (nout + 32'd1 == q_nout) busy <= 1'b0;
            end
        end
    end
endmodule
`default_nettype wire
