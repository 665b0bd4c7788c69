// maxpool.v: KxK max pooling at stride K over a pixel stream (sim's streaming pool).
//
// Input and output are pixels of C channels of ABITS (unsigned codes), raster order.
// The horizontal maximum of K pixels is kept in a register; a row memory of OW partial
// maxima holds the vertical maximum until the window's last row, which emits the
// pixel. Rows and columns beyond OH*K, OW*K are dropped (floor, as the net loader).
`default_nettype none
module maxpool #(
    parameter C     = 16,
    parameter ABITS = 4,
    parameter K     = 2,
    parameter H     = 8,
    parameter W     = 8
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 in_valid,
    output wire                 in_ready,
    input  wire [C*ABITS-1:0]   in_data,
    output reg                  out_valid,
    input  wire                 out_ready,
    output reg  [C*ABITS-1:0]   out_data
);
    localparam OH = H / K;
    localparam OW = W / K;
    localparam PW = C * ABITS;
    localparam CW = (OW > 1) ? $clog2(OW) : 1;
    localparam integer XE = OW * K, YE = OH * K, WE = W - 1, HE = H - 1, KE = K - 1;
    localparam [15:0] XEND = XE[15:0], YEND = YE[15:0], WM1 = WE[15:0], HM1 = HE[15:0];
    localparam [7:0]  KM1 = KE[7:0];

    reg [PW-1:0] row [0:OW-1];
    reg [PW-1:0] hmax;
    reg [15:0]   x, y, col;
    reg [7:0]    kx, ky;

    // a pixel is taken only when the output register can take a result
    assign in_ready = !out_valid || out_ready;
    wire take = in_valid && in_ready;

    // channel-wise maximum of two pixels
    function [PW-1:0] pmax;
        input [PW-1:0] a;
        input [PW-1:0] b;
        integer c;
        begin
            for (c = 0; c < C; c = c + 1)
                pmax[c*ABITS +: ABITS] = (a[c*ABITS +: ABITS] > b[c*ABITS +: ABITS]) ? a[c*ABITS +: ABITS]
                                                                                   : b[c*ABITS +: ABITS];
        end
    endfunction

    wire in_win = (x < XEND) && (y < YEND);
    wire [PW-1:0] h_next = (kx == 8'd0) ? in_data : pmax(hmax, in_data);
    wire [PW-1:0] v_next = (ky == 8'd0) ? h_next : pmax(row[col[CW-1:0]], h_next);
    wire h_done = kx == KM1;
    wire v_done = ky == KM1;

    always @(posedge clk) begin
        if (rst) begin
            x <= 16'd0; y <= 16'd0; col <= 16'd0; kx <= 8'd0; ky <= 8'd0;
            out_valid <= 1'b0;
        end else begin
            if (out_valid && out_ready) out_valid <= 1'b0;
            if (take) begin
                if (in_win) begin
                    hmax <= h_next;
                    if (h_done) begin
                        if (v_done) begin
                            out_valid <= 1'b1;
                            out_data <= v_next;
                        end else begin
                            row[col[CW-1:0]] <= v_next;
                        end
                    end
                end
                // window counters
                if (x == WM1) begin
                    x <= 16'd0; kx <= 8'd0; col <= 16'd0;
                    if (y == HM1) begin
                        y <= 16'd0; ky <= 8'd0;
                    end else begin
                        y <= y + 16'd1;
                        ky <= (ky == KM1) ? 8'd0 : ky + 8'd1;
                    end
                end else begin
                    x <= x + 16'd1;
                    if (kx == KM1) begin
                        kx <= 8'd0;
                        col <= col + 16'd1;
                    end else begin
                        kx <= kx + 8'd1;
                    end
                end
            end
        end
    end
endmodule
`default_nettype wire
