// feature_loader.v: sliding-window feature loader — a circular buffer of input pixels.
//
// Write side: the input stream, one pixel per beat (CMAX channels of ABITS, channel 0 in
// the low bits), raster order; pixel i goes to address i mod P (P = cfg_p pixels). A pixel
// is taken only while i < low_pix + P, so it never overwrites a pixel the scheduler still
// needs (low_pix: the first pixel of the current window's first row). P is the line
// buffer of sim/topology_dataflow (K + stride rows, or the rows the last window still
// needs, at most H; times W) plus its input FIFO (fifo_depth pixels): here both live in
// one memory, so pixels that waited in the "FIFO" are in the line buffer the moment rows
// are freed, exactly as the C model moves them. rows_done counts complete rows received.
// Read side: one control word per cycle from the scheduler (pixel address, feature fold,
// pad); one cycle later the fold's lanes appear (fold f, lane i = channel f*lanes + i),
// zeros for padding and for lanes beyond the fold's width. Mirrors sim/feature_loader.
`default_nettype none
module feature_loader #(
    parameter LANES  = 16,
    parameter ABITS  = 8,
    parameter CMAX   = 64,   // channels per input pixel word
    parameter PAW    = 10,   // bits of a pixel address
    parameter PDEPTH = 1024, // pixels of storage (>= cfg_p)
    parameter CFW    = 6,    // bits of a feature-fold index
    parameter BOW    = 10    // bits of a bit offset into the pixel word
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire                   start,
    input  wire [15:0]            cfg_h,
    input  wire [15:0]            cfg_w,
    input  wire [PAW:0]           cfg_p,       // buffer size in pixels
    input  wire [BOW-1:0]         cfg_linbits, // bits of the lanes in use (lanes beyond read 0)
    // input stream
    input  wire                   in_valid,
    output wire                   in_ready,
    input  wire [CMAX*ABITS-1:0]  in_data,
    // bookkeeping with the scheduler
    output wire [15:0]            rows_done,
    input  wire [31:0]            low_pix,
    // read side
    input  wire                   rd_en,
    input  wire                   rd_valid,
    input  wire                   rd_pad,
    input  wire [PAW-1:0]         rd_addr,
    input  wire [CFW-1:0]         rd_fold,
    output reg                    out_valid,
    output wire [LANES*ABITS-1:0] out_data
);
    localparam PW  = CMAX * ABITS;
    // a pixel word padded so that any fold's LANES lanes can be shifted down from it
    localparam XPW = PW + LANES * ABITS;

    reg [PW-1:0] mem [0:PDEPTH-1];

    reg           wact;
    reg [15:0]    wrow, wx;
    reg [31:0]    rcv;      // pixels received
    reg [PAW-1:0] wp;       // rcv mod P

    wire [32:0] limit = {1'b0, low_pix} + {{(32-PAW){1'b0}}, cfg_p};
    assign in_ready  = wact && (wrow < cfg_h) && ({1'b0, rcv} < limit);
    assign rows_done = wrow;

    wire [PAW:0] wp_next = {1'b0, wp} + {{PAW{1'b0}}, 1'b1};

    always @(posedge clk) begin
        if (rst) begin
            wact <= 1'b0;
            wrow <= 16'd0; wx <= 16'd0; rcv <= 32'd0; wp <= {PAW{1'b0}};
        end else if (start) begin
            wact <= 1'b1;
            wrow <= 16'd0; wx <= 16'd0; rcv <= 32'd0; wp <= {PAW{1'b0}};
        end else if (in_valid && in_ready) begin
            rcv <= rcv + 32'd1;
            wp <= (wp_next == cfg_p) ? {PAW{1'b0}} : wp_next[PAW-1:0];
            if (wx != cfg_w - 16'd1) wx <= wx + 16'd1;
            else begin
                wx <= 16'd0;
                wrow <= wrow + 16'd1;
            end
        end
    end

    always @(posedge clk)
        if (in_valid && in_ready)
            mem[wp] <= in_data;

    reg [PW-1:0]  rdata;
    reg           pad_q;
    reg [CFW-1:0] fold_q;
    always @(posedge clk) begin
        if (rd_en) begin
            rdata  <= mem[rd_addr];
            pad_q  <= rd_pad;
            fold_q <= rd_fold;
        end
    end
    always @(posedge clk) begin
        if (rst) out_valid <= 1'b0;
        else if (rd_en) out_valid <= rd_valid;
    end
    // fold f starts at bit f * lanes * ABITS (a constant stride once synthesis fixes the
    // fold width, which yosys then turns into a word mux)
    /* verilator lint_off UNUSEDSIGNAL */ // only the low LANES lanes of the shifted word are used
    wire [XPW-1:0] shifted = {{(LANES*ABITS){1'b0}}, rdata} >> (fold_q * cfg_linbits);
    /* verilator lint_on UNUSEDSIGNAL */
    // lanes beyond the fold's width (run-time SIMD or PE below LANES) read as zero, so that
    // idle lanes add nothing in either mode (a zero weight code is not a zero in SAC mode)
    wire [LANES*ABITS-1:0] lane_mask = ~({LANES*ABITS{1'b1}} << cfg_linbits);
    assign out_data = pad_q ? {LANES*ABITS{1'b0}} : (shifted[LANES*ABITS-1:0] & lane_mask);
endmodule
`default_nettype wire
