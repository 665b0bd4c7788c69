// feature_loader.v: sliding-window feature loader (a line buffer of whole input rows).
//
// Write side: the input stream, one pixel per beat (CMAX channels of ABITS, channel 0 in
// the low bits), raster order. Row r goes to row slot r mod NR (NR = cfg_nr: K + stride
// rows, or the rows the last window still needs, at most H — the capacity rule of
// sim/topology_dataflow) and is accepted only while r < low_row + NR, i.e. while it does
// not overwrite a row the scheduler still needs. rows_done counts complete rows.
// Read side: one control word per cycle from the scheduler (row slot, column, first
// feature fold, pad); one cycle later the fold's lanes appear (fold f, lane i = channel
// f*lanes + i), zeros for padding and for lanes beyond the fold's width. Mirrors sim/feature_loader.
`default_nettype none
module feature_loader #(
    parameter LANES = 16,
    parameter ABITS = 8,
    parameter K     = 5,
    parameter XW    = 6,
    parameter CMAX  = 64,  // channels per input pixel word
    parameter CFW   = 6,   // bits of a feature-fold index
    parameter BOW   = 10   // bits of a bit offset into the pixel word
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire                   start,
    input  wire [15:0]            cfg_h,
    input  wire [15:0]            cfg_w,
    input  wire [3:0]             cfg_nr,
    input  wire [BOW-1:0]         cfg_linbits, // bits of the lanes in use (lanes beyond read 0)
    // input stream
    input  wire                   in_valid,
    output wire                   in_ready,
    input  wire [CMAX*ABITS-1:0]  in_data,
    // row bookkeeping with the scheduler
    output wire [15:0]            rows_done,
    input  wire [15:0]            low_row,
    // read side
    input  wire                   rd_en,
    input  wire                   rd_valid,
    input  wire                   rd_pad,
    /* verilator lint_off UNUSEDSIGNAL */ // slot bits above log2(K+2) are always zero
    input  wire [3:0]             rd_slot,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [XW-1:0]          rd_x,
    input  wire [CFW-1:0]         rd_fold,
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

    localparam NRMAX = K + 2;
    localparam SB    = (clog2(NRMAX) < 1) ? 1 : clog2(NRMAX);
    localparam AW    = SB + XW;
    localparam DEPTH = NRMAX << XW;
    localparam PW    = CMAX * ABITS;
    // a pixel word padded so that any fold's LANES lanes can be shifted down from it
    localparam XPW   = PW + LANES * ABITS;

    reg [PW-1:0] mem [0:DEPTH-1];

    reg           wact;
    reg [15:0]    wrow;
    reg [XW-1:0]  wx;
    /* verilator lint_off UNUSEDSIGNAL */
    reg [3:0]     wslot;
    /* verilator lint_on UNUSEDSIGNAL */

    wire [16:0] limit = {1'b0, low_row} + {13'd0, cfg_nr};
    assign in_ready  = wact && (wrow < cfg_h) && ({1'b0, wrow} < limit);
    assign rows_done = wrow;

    wire w_last_x = ({{(16-XW){1'b0}}, wx} == cfg_w - 16'd1);
    wire [AW-1:0] waddr = {wslot[SB-1:0], wx};
    wire [AW-1:0] raddr = {rd_slot[SB-1:0], rd_x};

    always @(posedge clk) begin
        if (rst) begin
            wact <= 1'b0;
            wrow <= 16'd0; wx <= {XW{1'b0}}; wslot <= 4'd0;
        end else if (start) begin
            wact <= 1'b1;
            wrow <= 16'd0; wx <= {XW{1'b0}}; wslot <= 4'd0;
        end else if (in_valid && in_ready) begin
            if (!w_last_x) wx <= wx + 1'b1;
            else begin
                wx <= {XW{1'b0}};
                wrow <= wrow + 16'd1;
                wslot <= (wslot == cfg_nr - 4'd1) ? 4'd0 : wslot + 4'd1;
            end
        end
    end

    always @(posedge clk)
        if (in_valid && in_ready)
            mem[waddr] <= in_data;

    reg [PW-1:0]  rdata;
    reg           pad_q;
    reg [CFW-1:0] fold_q;
    always @(posedge clk) begin
        if (rd_en) begin
            rdata   <= mem[raddr];
            pad_q   <= rd_pad;
            fold_q  <= rd_fold;
        end
    end
    always @(posedge clk) begin
        if (rst) out_valid <= 1'b0;
        else if (rd_en) out_valid <= rd_valid;
    end
    /* verilator lint_off UNUSEDSIGNAL */ // only the low LANES lanes of the shifted word are used
    // fold f starts at bit f * lanes * ABITS (a constant stride once synthesis fixes the
    // fold width, which yosys then turns into a word mux)
    wire [XPW-1:0] shifted = {{(LANES*ABITS){1'b0}}, rdata} >> (fold_q * cfg_linbits);
    /* verilator lint_on UNUSEDSIGNAL */
    // lanes beyond the fold's width (run-time SIMD or PE below LANES) read as zero, so that
    // idle lanes add nothing in either mode (a zero weight code is not a zero in SAC mode)
    wire [LANES*ABITS-1:0] lane_mask = ~({LANES*ABITS{1'b1}} << cfg_linbits);
    assign out_data = pad_q ? {LANES*ABITS{1'b0}} : (shifted[LANES*ABITS-1:0] & lane_mask);
endmodule
`default_nettype wire
