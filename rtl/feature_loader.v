// feature_loader.v: sliding-window feature loader (line buffer of K+1 input rows).
//
// Write side: the input stream, raster order (y, x, channel fold), one word of LANES
// activations (ABITS each, lane 0 in the low bits) per beat. Row r goes to row slot
// r mod NR (NR = cfg_nr = K+1) and is accepted only while r < low_row + NR, i.e. while
// it does not overwrite a row the scheduler still needs.
// Read side: one control word per cycle from the scheduler (slot, x, channel fold, pad);
// the word appears one cycle later (registered RAM read); padding reads give zeros.
// Mirrors sim/feature_loader.
`default_nettype none
module feature_loader #(
    parameter LANES = 16,
    parameter ABITS = 8,
    parameter K     = 5,
    parameter XW    = 6,
    parameter CFW   = 6
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire                   start,
    input  wire [15:0]            cfg_h,
    input  wire [15:0]            cfg_w,
    input  wire [CFW:0]           cfg_cf,     // words per input pixel (Cin / lanes)
    input  wire [3:0]             cfg_nr,
    // input stream
    input  wire                   in_valid,
    output wire                   in_ready,
    input  wire [LANES*ABITS-1:0] in_data,
    // row bookkeeping with the scheduler
    output wire [15:0]            rows_done,
    input  wire [15:0]            low_row,
    // read side
    input  wire                   rd_en,
    input  wire                   rd_valid,
    input  wire                   rd_pad,
    /* verilator lint_off UNUSEDSIGNAL */ // slot bits above log2(K+1) are always zero
    input  wire [3:0]             rd_slot,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [XW-1:0]          rd_x,
    input  wire [CFW-1:0]         rd_cf,
    output reg                    out_valid,
    output wire [LANES*ABITS-1:0] out_data
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

    localparam NRMAX = K + 1;
    localparam SB    = (clog2(NRMAX) < 1) ? 1 : clog2(NRMAX);
    localparam AW    = SB + XW + CFW;
    localparam DEPTH = NRMAX << (XW + CFW);

    reg [LANES*ABITS-1:0] mem [0:DEPTH-1];

    reg           wact;
    reg [15:0]    wrow;
    reg [XW-1:0]  wx;
    reg [CFW-1:0] wcf;
    /* verilator lint_off UNUSEDSIGNAL */
    reg [3:0]     wslot;
    /* verilator lint_on UNUSEDSIGNAL */

    wire [16:0] limit = {1'b0, low_row} + {13'd0, cfg_nr};
    assign in_ready  = wact && (wrow < cfg_h) && ({1'b0, wrow} < limit);
    assign rows_done = wrow;

    wire w_last_cf = ({1'b0, wcf} == cfg_cf - 1'b1);
    wire w_last_x  = ({{(16-XW){1'b0}}, wx} == cfg_w - 16'd1);
    wire [AW-1:0] waddr = {wslot[SB-1:0], wx, wcf};
    wire [AW-1:0] raddr = {rd_slot[SB-1:0], rd_x, rd_cf};

    always @(posedge clk) begin
        if (rst) begin
            wact <= 1'b0;
            wrow <= 16'd0; wx <= {XW{1'b0}}; wcf <= {CFW{1'b0}}; wslot <= 4'd0;
        end else if (start) begin
            wact <= 1'b1;
            wrow <= 16'd0; wx <= {XW{1'b0}}; wcf <= {CFW{1'b0}}; wslot <= 4'd0;
        end else if (in_valid && in_ready) begin
            if (!w_last_cf) wcf <= wcf + 1'b1;
            else begin
                wcf <= {CFW{1'b0}};
                if (!w_last_x) wx <= wx + 1'b1;
                else begin
                    wx <= {XW{1'b0}};
                    wrow <= wrow + 16'd1;
                    wslot <= (wslot == cfg_nr - 4'd1) ? 4'd0 : wslot + 4'd1;
                end
            end
        end
    end

    always @(posedge clk)
        if (in_valid && in_ready)
            mem[waddr] <= in_data;

    reg [LANES*ABITS-1:0] rdata;
    reg                   pad_q;
    always @(posedge clk) begin
        if (rd_en) begin
            rdata <= mem[raddr];
            pad_q <= rd_pad;
        end
    end
    always @(posedge clk) begin
        if (rst) out_valid <= 1'b0;
        else if (rd_en) out_valid <= rd_valid;
    end
    assign out_data = pad_q ? {LANES*ABITS{1'b0}} : rdata;
endmodule
`default_nettype wire
