// filter_loader.v: weight memory with a double-buffered filter store.
//
// One memory per PE (the weight array partitioned on PE, as in the MixQ HLS), two banks
// of WDEPTH words each; a word holds the SIMD weights of one (output fold, kernel
// position, channel fold) step. The read word of all PEs puts lane p*SIMD+s at bits
// [(p*SIMD+s)*WBITS +: WBITS]. The load port writes one PE's word per beat into the shadow bank while the active bank feeds
// the PE array; `start` swaps the banks, so the next layer's (or frame's) filters load
// while the current one computes. Reads are registered (one cycle), in step with the
// feature loader. Mirrors sim/filter_loader.
`default_nettype none
module filter_loader #(
    parameter PE     = 8,
    parameter SIMD   = 16,
    parameter WBITS  = 8,
    parameter WAW    = 12,  // word address bits of one bank
    parameter WDEPTH = 4096, // words per bank (<= 2^WAW)
    parameter ROM    = 0,    // 1: one bank of constant weights read from INIT ($readmemh)
    parameter INIT   = ""    // ROM: a word per line, all PEs' lanes (lane p*SIMD+s at [(p*SIMD+s)*WBITS])
) (
    input  wire                      clk,
    input  wire                      rst,
    input  wire                      start,
    // load port (shadow bank)
    /* verilator lint_off UNUSEDSIGNAL */ // a ROM instance has no load port
    input  wire                      wld_valid,
    output wire                      wld_ready,
    input  wire [WAW-1:0]            wld_addr,
    input  wire [7:0]                wld_pe,
    input  wire [SIMD*WBITS-1:0]     wld_data,
    /* verilator lint_on UNUSEDSIGNAL */
    // read port (active bank)
    input  wire                      rd_en,
    input  wire [WAW-1:0]            rd_addr,
    output reg  [PE*SIMD*WBITS-1:0]  out_data
);
    reg active;

    assign wld_ready = 1'b1;

    always @(posedge clk) begin
        if (rst) active <= 1'b0;
        else if (start) active <= ~active;
    end

    // bank 1 starts at word WDEPTH (not 2^WAW), so the memory is exactly 2*WDEPTH deep
    // for any WDEPTH; when WDEPTH is a power of two this is the plain {bank, addr}.
    localparam [WAW:0] BANK1 = WDEPTH[WAW:0];
    /* verilator lint_off UNUSEDSIGNAL */ // RAM banks only
    wire [WAW:0] waddr = {1'b0, wld_addr} + (active ? {(WAW+1){1'b0}} : BANK1);
    wire [WAW:0] raddr = {1'b0, rd_addr} + (active ? BANK1 : {(WAW+1){1'b0}});
    /* verilator lint_on UNUSEDSIGNAL */

    genvar p;
    generate
        if (ROM != 0) begin : g_rom
            // a generated design's weights never change: one bank, no load port, no swap
            reg [PE*SIMD*WBITS-1:0] rom [0:WDEPTH-1];
            initial $readmemh(INIT, rom);
            always @(posedge clk)
                if (rd_en)
                    out_data <= rom[rd_addr];
        end else
        for (p = 0; p < PE; p = p + 1) begin : g_pe
            reg [SIMD*WBITS-1:0] mem [0:2*WDEPTH-1];
            always @(posedge clk)
                if (wld_valid && wld_pe == p[7:0])
                    mem[waddr] <= wld_data;
            always @(posedge clk)
                if (rd_en)
                    out_data[p*SIMD*WBITS +: SIMD*WBITS] <= mem[raddr];
        end
    endgenerate
endmodule
`default_nettype wire
