// layer_unit.v: one conv layer of a generated dataflow design (tf2sim generate).
//
// compute_unit_fixed.v (pad K/2) with its weights and BN constants in ROMs ($readmemh of
// WINIT, BINIT), restarted for every frame, and a
// width converter that gathers the COUT/PE output words of a pixel into one pixel word
// of COUT channels of OBW bits (channel c at [c*OBW +: OBW]), the next layer's input.
// The input FIFO of FIFO pixels lives in the feature buffer (compute_unit_fixed.v).
`default_nettype none
module layer_unit #(
    parameter PE      = 4,
    parameter SIMD    = 8,
    parameter WBITS   = 4,
    parameter ABITS   = 4,
    parameter K       = 3,
    parameter PACK    = 0,
    parameter CIN     = 32,
    parameter COUT    = 32,
    parameter H       = 32,
    parameter W       = 32,
    parameter STRIDE  = 1,
    parameter REQUANT = 1,   // 1: BN + clip to OBW bits; 0: raw accumulator + bias (a head)
    parameter RELU    = 1,
    parameter OBW     = 4,   // bits per output channel (32 for a raw head)
    parameter SHIFT   = 15,
    parameter FIFO    = 128,
    parameter WINIT   = "",
    parameter BINIT   = ""
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 in_valid,
    output wire                 in_ready,
    input  wire [CIN*ABITS-1:0] in_data,
    output reg                  out_valid,
    input  wire                 out_ready,
    output reg  [COUT*OBW-1:0]  out_data
);
    localparam OBIT = (OBW < 32) ? OBW : 31;

    // a new frame starts the cycle after the previous one's last output word
    wire busy;
    reg  run, start_q;
    wire start = run && !busy && !start_q;
    always @(posedge clk) begin
        if (rst) begin
            run <= 1'b0;
            start_q <= 1'b0;
        end else begin
            run <= 1'b1;
            start_q <= start;
        end
    end

    wire              cu_valid;
    wire              cu_ready;
    /* verilator lint_off UNUSEDSIGNAL */ // lanes above OBW bits, load ports and status of a ROM instance
    wire [PE*32-1:0]  cu_data;
    wire              wld_ready, sched_busy;
    wire [31:0]       cycles;
    /* verilator lint_on UNUSEDSIGNAL */
    compute_unit_fixed #(.PE(PE), .SIMD(SIMD), .WBITS(WBITS), .ABITS(ABITS), .K(K), .MODE(0), .PACK(PACK),
                         .CIN(CIN), .COUT(COUT), .H(H), .W(W), .STRIDE(STRIDE), .DW(0), .OBIT(OBIT),
                         .SHIFT(SHIFT), .FIFO(FIFO), .REQUANT(REQUANT), .RELU(RELU), .ROM(1),
                         .WINIT(WINIT), .BINIT(BINIT)) u_cu (
        .clk(clk), .rst(rst), .start(start),
        .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
        .wld_valid(1'b0), .wld_ready(wld_ready), .wld_addr(32'd0), .wld_pe(8'd0), .wld_data({SIMD*WBITS{1'b0}}),
        .bld_valid(1'b0), .bld_addr(16'd0), .bld_pe(8'd0), .bld_inc(32'd0), .bld_bias(32'd0),
        .out_valid(cu_valid), .out_ready(cu_ready), .out_data(cu_data),
        .busy(busy), .sched_busy(sched_busy), .cycles(cycles));

    // width converter: output folds arrive in order, fold 0 first; shift each in at the top
    wire [PE*OBW-1:0] lanes;
    genvar p;
    generate
        for (p = 0; p < PE; p = p + 1) begin : g_lane
            assign lanes[p*OBW +: OBW] = cu_data[p*32 +: OBW];
        end
    endgenerate
    localparam NF  = COUT / PE;
    localparam NFW = (NF > 1) ? $clog2(NF) : 1;
    reg [NFW:0] nword;
    assign cu_ready = !out_valid || out_ready;
    wire [COUT*OBW-1:0] gathered;
    generate
        if (NF > 1) begin : g_gather
            assign gathered = {lanes, out_data[COUT*OBW-1:PE*OBW]};
        end else begin : g_one
            assign gathered = lanes;
        end
    endgenerate
    always @(posedge clk) begin
        if (rst) begin
            out_valid <= 1'b0;
            nword <= {(NFW+1){1'b0}};
        end else begin
            if (out_valid && out_ready) out_valid <= 1'b0;
            if (cu_valid && cu_ready) begin
                out_data <= gathered;
                if (nword == NF[NFW:0] - 1'b1) begin
                    nword <= {(NFW+1){1'b0}};
                    out_valid <= 1'b1;
                end else begin
                    nword <= nword + 1'b1;
                end
            end
        end
    end
endmodule
`default_nettype wire
