// fifo.v: the inter-layer FIFO of a generated dataflow design (sim/fifo's twin).
//
// DEPTH pixel words of WIDTH bits, valid/ready on both sides, first word always on
// out_data. Counts the cycles it spends full and empty, the stall counters that
// `tf2sim regress --net` compares with the C model's.
`default_nettype none
module fifo #(
    parameter WIDTH = 32,
    parameter DEPTH = 4
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             in_valid,
    output wire             in_ready,
    input  wire [WIDTH-1:0] in_data,
    output wire             out_valid,
    input  wire             out_ready,
    output wire [WIDTH-1:0] out_data,
    output reg  [31:0]      full_cycles,
    output reg  [31:0]      empty_cycles
);
    localparam AW = (DEPTH > 1) ? $clog2(DEPTH) : 1;

    reg [WIDTH-1:0] mem [0:DEPTH-1];
    reg [AW-1:0]    rp, wp;
    reg [AW:0]      count;

    assign in_ready  = count != DEPTH[AW:0];
    assign out_valid = count != {(AW+1){1'b0}};
    assign out_data  = mem[rp];

    wire push = in_valid && in_ready;
    wire pop  = out_valid && out_ready;
    wire [AW:0] rp_next = {1'b0, rp} + 1'b1;
    wire [AW:0] wp_next = {1'b0, wp} + 1'b1;

    always @(posedge clk)
        if (push)
            mem[wp] <= in_data;

    always @(posedge clk) begin
        if (rst) begin
            rp <= {AW{1'b0}};
            wp <= {AW{1'b0}};
            count <= {(AW+1){1'b0}};
            full_cycles <= 32'd0;
            empty_cycles <= 32'd0;
        end else begin
            if (push) wp <= (wp_next == DEPTH[AW:0]) ? {AW{1'b0}} : wp_next[AW-1:0];
            if (pop)  rp <= (rp_next == DEPTH[AW:0]) ? {AW{1'b0}} : rp_next[AW-1:0];
            count <= count + {{AW{1'b0}}, push} - {{AW{1'b0}}, pop};
            if (!out_valid) empty_cycles <= empty_cycles + 32'd1;
            if (!in_ready)  full_cycles <= full_cycles + 32'd1;
        end
    end
endmodule
`default_nettype wire
