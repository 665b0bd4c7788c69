// pe_array.v: PE x SIMD lanes; per cycle every PE adds SIMD products into one partial sum.
//
// MAC mode: signed WBITS weight x unsigned ABITS activation (exact, WBITS+ABITS+1 bits).
// SAC mode (TF2 power-of-two weights, tf2-engine.md §2.3; needs WBITS = 8): weight byte
//   bit 7 sign, bit 6 zero flag, bits 4..0 shift s: product = 0 if zero, else +-(x << s).
// DSP packing (MAC only, not depthwise): PEs 2j and 2j+1 share one multiplier per SIMD lane,
//   x * ((w1 << S) + w0) with S = WBITS+ABITS+1 guard-free field width; the low field,
//   sign-extended, is x*w0 and the rest shifted down by S is x*w1 (exact for all inputs).
// Depthwise (cfg_dw): PE p uses activation lane p and only its SIMD lane 0.
// MODE: 0 MAC, 1 SAC, 2 both (chosen by cfg_mode). PACK: 0 off, 1 on, 2 both (cfg_pack).
// One pipeline stage (registered partial sums). Mirrors sim/pe_array.
`default_nettype none
module pe_array #(
    parameter PE    = 8,
    parameter SIMD  = 16,
    parameter WBITS = 8,
    parameter ABITS = 8,
    parameter MODE  = 2,
    parameter PACK  = 2,
    parameter LANES = 16,  // activation lanes per input word (max(SIMD, PE))
    parameter NFW   = 6,
    parameter ACCW  = 32
) (
    input  wire                     clk,
    input  wire                     rst,
    input  wire                     en,
    input  wire                     cfg_mode,   // 1 = SAC (MODE 2 only)
    input  wire                     cfg_pack,   // 1 = packed multipliers (PACK 2 only)
    input  wire                     cfg_dw,
    input  wire                     in_valid,
    input  wire                     in_first,
    input  wire                     in_last,
    input  wire [NFW-1:0]           in_nf,
    input  wire [LANES*ABITS-1:0]   act,
    input  wire [PE*SIMD*WBITS-1:0] wt,
    output reg                      out_valid,
    output reg                      out_first,
    output reg                      out_last,
    output reg  [NFW-1:0]           out_nf,
    output reg  [PE*ACCW-1:0]       psum
);
    localparam HAS_MAC  = (MODE != 1);
    localparam HAS_SAC  = (MODE != 0) && (WBITS == 8);
    localparam HAS_PACK = HAS_MAC && (PACK != 0) && (PE > 1);
    localparam S        = WBITS + ABITS + 1;   // packed field width
    localparam MW       = WBITS + ABITS + 1;   // exact product width
    localparam PWW      = S + WBITS + 1;       // packed weight width ((w1 << S) + w0 needs a sign bit more)
    localparam PPW      = PWW + ABITS + 1;     // packed product width

    wire use_sac  = (MODE == 1) || ((MODE == 2) && cfg_mode);
    wire use_pack = !use_sac && !cfg_dw && ((PACK == 1) || ((PACK == 2) && cfg_pack));

    // PEs are handled in pairs (2j, 2j+1) so that a packed multiplier feeds both.
    localparam NPAIR = (PE + 1) / 2;
    reg [PE*ACCW-1:0] sum_c;

    genvar j, s;
    generate
        for (j = 0; j < NPAIR; j = j + 1) begin : g_pair
            localparam P0 = 2 * j;
            localparam P1 = 2 * j + 1;
            localparam HAS1 = (P1 < PE);
            localparam PAIRED = HAS_PACK && HAS1;
            wire [SIMD*ACCW-1:0] v0, v1;   // the lanes' values of PE P0 and P1
            for (s = 0; s < SIMD; s = s + 1) begin : g_simd
                /* verilator lint_off UNUSEDSIGNAL */ // some bits idle in some modes
                wire [ABITS-1:0] a0 = cfg_dw ? ((s == 0) ? act[P0*ABITS +: ABITS] : {ABITS{1'b0}})
                                             : act[s*ABITS +: ABITS];
                wire [WBITS-1:0] w0 = wt[(P0*SIMD+s)*WBITS +: WBITS];
                /* verilator lint_on UNUSEDSIGNAL */
                wire [ACCW-1:0] mac0, sac0, pk0;
                wire [ACCW-1:0] mac1, sac1, pk1;
                // unpacked multipliers: built unless the pair is always packed (PACK 1)
                if (HAS_MAC && !(PACK == 1 && PAIRED)) begin : g_mul0
                    wire signed [MW-1:0] m = $signed(w0) * $signed({1'b0, a0});
                    assign mac0 = {{(ACCW-MW){m[MW-1]}}, m};
                end else begin : g_nomul0
                    assign mac0 = {ACCW{1'b0}};
                end
                if (HAS_SAC) begin : g_sac0
                    wire [ACCW-1:0] mag = {{(ACCW-ABITS){1'b0}}, a0} << w0[4:0];
                    assign sac0 = w0[6] ? {ACCW{1'b0}} : (w0[7] ? -mag : mag);
                end else begin : g_nosac0
                    assign sac0 = {ACCW{1'b0}};
                end
                if (HAS1) begin : g_pe1
                    /* verilator lint_off UNUSEDSIGNAL */
                    wire [ABITS-1:0] a1 = cfg_dw ? ((s == 0) ? act[P1*ABITS +: ABITS] : {ABITS{1'b0}})
                                                 : act[s*ABITS +: ABITS];
                    wire [WBITS-1:0] w1 = wt[(P1*SIMD+s)*WBITS +: WBITS];
                    /* verilator lint_on UNUSEDSIGNAL */
                    if (HAS_MAC && !(PACK == 1 && PAIRED)) begin : g_mul1
                        wire signed [MW-1:0] m = $signed(w1) * $signed({1'b0, a1});
                        assign mac1 = {{(ACCW-MW){m[MW-1]}}, m};
                    end else begin : g_nomul1
                        assign mac1 = {ACCW{1'b0}};
                    end
                    if (HAS_SAC) begin : g_sac1
                        wire [ACCW-1:0] mag = {{(ACCW-ABITS){1'b0}}, a1} << w1[4:0];
                        assign sac1 = w1[6] ? {ACCW{1'b0}} : (w1[7] ? -mag : mag);
                    end else begin : g_nosac1
                        assign sac1 = {ACCW{1'b0}};
                    end
                    if (PAIRED) begin : g_pack
                        // x * ((w1 << S) + w0): low field x*w0, high field x*w1
                        wire signed [PWW-1:0] pw = ($signed({{(PWW-WBITS){w1[WBITS-1]}}, w1}) <<< S)
                                                 + $signed({{(PWW-WBITS){w0[WBITS-1]}}, w0});
                        wire signed [PPW-1:0] prod = pw * $signed({1'b0, a0});
                        wire signed [S-1:0] lo = prod[S-1:0];
                        // prod = hi * 2^S + lo (lo signed), so hi = floor(prod / 2^S) + sign(lo)
                        wire [PPW-S-1:0] hi = prod[PPW-1:S] + {{(PPW-S-1){1'b0}}, lo[S-1]};
                        assign pk0 = {{(ACCW-S){lo[S-1]}}, lo};
                        assign pk1 = {{(ACCW-(PPW-S)){hi[PPW-S-1]}}, hi};
                    end else begin : g_nopack
                        assign pk0 = mac0;
                        assign pk1 = mac1;
                    end
                end else begin : g_nope1
                    assign mac1 = {ACCW{1'b0}};
                    assign sac1 = {ACCW{1'b0}};
                    assign pk0 = mac0;
                    assign pk1 = {ACCW{1'b0}};
                end
                assign v0[s*ACCW +: ACCW] = use_sac ? sac0 : (use_pack ? pk0 : mac0);
                assign v1[s*ACCW +: ACCW] = use_sac ? sac1 : (use_pack ? pk1 : mac1);
            end

            reg [ACCW-1:0] t0, t1;
            integer i;
            always @* begin
                t0 = {ACCW{1'b0}};
                t1 = {ACCW{1'b0}};
                for (i = 0; i < SIMD; i = i + 1) begin
                    t0 = t0 + v0[i*ACCW +: ACCW];
                    t1 = t1 + v1[i*ACCW +: ACCW];
                end
            end
            always @* sum_c[P0*ACCW +: ACCW] = t0;
            if (HAS1) begin : g_out1
                always @* sum_c[P1*ACCW +: ACCW] = t1;
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            out_valid <= 1'b0;
            out_first <= 1'b0;
            out_last  <= 1'b0;
            out_nf    <= {NFW{1'b0}};
            psum      <= {PE*ACCW{1'b0}};
        end else if (en) begin
            out_valid <= in_valid;
            out_first <= in_first;
            out_last  <= in_last;
            out_nf    <= in_nf;
            psum      <= sum_c;
        end
    end
endmodule
`default_nettype wire
