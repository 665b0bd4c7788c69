// adder.v: accumulate partial sums, add bias, re-quantise, saturate, ReLU.
//
// Stage A: acc = first ? psum : acc + psum (ACCW bits, one accumulator per PE); on the
//          last partial sum of an output the total moves on with its channel fold's
//          inc/bias words (read from the per-PE BN memories).
// Stage B: requant: t = acc*inc + bias + 2^(T-1) (64-bit); raw: t = acc + bias.
// Stage C: requant: out = clip(t >>> T, 0, 2^obit - 1)  (mixq-dataflow.md §1.5);
//          raw: out = saturate(t) to 32-bit signed, then ReLU (max 0) if cfg_relu.
// Output stream: PE lanes of 32 bits; `en` (from the top) stalls A-C while out is full.
// Mirrors sim/adder.
`default_nettype none
module adder #(
    parameter PE   = 8,
    parameter NFW  = 6,
    parameter NFD  = 64,  // output folds held in the BN memories
    parameter ACCW = 32,
    parameter ROM  = 0,   // 1: constant BN tables read from INIT ($readmemh), no load port
    parameter INIT = ""   // ROM: a word per output fold, PE p's {inc, bias} at [p*64 +: 64]
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               en,
    input  wire               cfg_requant,
    input  wire               cfg_relu,
    input  wire [5:0]         cfg_shift,
    input  wire [5:0]         cfg_obit,
    // BN / bias load port
    /* verilator lint_off UNUSEDSIGNAL */ // a ROM instance has no load port
    input  wire               bld_valid,
    input  wire [NFW-1:0]     bld_addr,
    input  wire [7:0]         bld_pe,
    input  wire [31:0]        bld_inc,
    input  wire [31:0]        bld_bias,
    /* verilator lint_on UNUSEDSIGNAL */
    // partial sums from the PE array
    input  wire               in_valid,
    input  wire               in_first,
    input  wire               in_last,
    input  wire [NFW-1:0]     in_nf,
    input  wire [PE*ACCW-1:0] psum,
    // output stream
    output reg                out_valid,
    output reg  [PE*32-1:0]   out_data
);
    reg [PE*ACCW-1:0] acc, accd;
    reg [PE*32-1:0]   incq, biasq;
    reg               a_valid, b_valid;
    reg [PE*64-1:0]   t;

    wire [63:0] rnd = (cfg_shift == 6'd0) ? 64'd0 : (64'd1 << (cfg_shift - 6'd1));
    wire [63:0] omax = (64'd1 << cfg_obit) - 64'd1;

    // ROM: all PEs' {inc, bias} of an output fold in one word
    /* verilator lint_off UNUSEDSIGNAL */ // read only by ROM instances
    wire [PE*64-1:0] bn_word;
    /* verilator lint_on UNUSEDSIGNAL */
    genvar p;
    generate
        if (ROM != 0) begin : g_bn_rom
            reg [PE*64-1:0] bn_rom [0:NFD-1];
            initial $readmemh(INIT, bn_rom);
            assign bn_word = bn_rom[in_nf];
        end else begin : g_bn_ram
            assign bn_word = {PE*64{1'b0}};
        end
        for (p = 0; p < PE; p = p + 1) begin : g_pe
            wire [31:0] inc_rd, bias_rd;
            if (ROM != 0) begin : g_rom
                assign inc_rd  = bn_word[p*64+32 +: 32];
                assign bias_rd = bn_word[p*64 +: 32];
            end else begin : g_ram
                reg [31:0] inc_mem  [0:NFD-1];
                reg [31:0] bias_mem [0:NFD-1];
                always @(posedge clk)
                    if (bld_valid && bld_pe == p[7:0]) begin
                        inc_mem[bld_addr]  <= bld_inc;
                        bias_mem[bld_addr] <= bld_bias;
                    end
                assign inc_rd  = inc_mem[in_nf];
                assign bias_rd = bias_mem[in_nf];
            end

            wire [ACCW-1:0] ps = psum[p*ACCW +: ACCW];
            wire [ACCW-1:0] acc_next = in_first ? ps : acc[p*ACCW +: ACCW] + ps;
            always @(posedge clk)
                if (en && in_valid) begin
                    acc[p*ACCW +: ACCW] <= acc_next;
                    if (in_last) begin
                        accd[p*ACCW +: ACCW] <= acc_next;
                        incq[p*32 +: 32]  <= inc_rd;
                        biasq[p*32 +: 32] <= bias_rd;
                    end
                end

            wire signed [ACCW-1:0] a_s = accd[p*ACCW +: ACCW];
            wire signed [31:0]     i_s = incq[p*32 +: 32];
            wire signed [31:0]     b_s = biasq[p*32 +: 32];
            wire signed [63:0]     prod = a_s * i_s;
            wire signed [63:0]     b64  = $signed({{32{b_s[31]}}, b_s});
            wire signed [63:0]     a64  = $signed({{(64-ACCW){a_s[ACCW-1]}}, a_s});
            always @(posedge clk)
                if (en)
                    t[p*64 +: 64] <= cfg_requant ? prod + b64 + $signed(rnd) : a64 + b64;

            wire signed [63:0] t_s = t[p*64 +: 64];
            wire signed [63:0] q   = t_s >>> cfg_shift;
            wire [31:0] y_req = q[63] ? 32'd0 : ($signed(q) > $signed(omax) ? omax[31:0] : q[31:0]);
            wire [31:0] y_sat = (t_s > 64'sh7fffffff) ? 32'h7fffffff
                              : (t_s < -64'sh80000000) ? 32'h80000000 : t_s[31:0];
            wire [31:0] y_raw = (cfg_relu && y_sat[31]) ? 32'd0 : y_sat;
            always @(posedge clk)
                if (en)
                    out_data[p*32 +: 32] <= cfg_requant ? y_req : y_raw;
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            a_valid <= 1'b0;
            b_valid <= 1'b0;
            out_valid <= 1'b0;
        end else if (en) begin
            a_valid <= in_valid && in_last;
            b_valid <= a_valid;
            out_valid <= b_valid;
        end
    end
endmodule
`default_nettype wire
