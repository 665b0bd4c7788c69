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
    localparam PWW      = S + WBITS;           // packed weight width
    localparam PPW      = PWW + ABITS + 1;     // packed product width

    wire use_sac  = (MODE == 1) || ((MODE == 2) && cfg_mode);
    wire use_pack = !use_sac && !cfg_dw && ((PACK == 1) || ((PACK == 2) && cfg_pack));

    // one value per (p, s) lane, sign-extended to ACCW
    wire [PE*SIMD*ACCW-1:0] v_mac;   // unpacked multipliers
    wire [PE*SIMD*ACCW-1:0] v_pack;  // packed multipliers
    wire [PE*SIMD*ACCW-1:0] v_sac;   // shift-accumulate

    genvar p, s;
    generate
        for (p = 0; p < PE; p = p + 1) begin : g_pe
            for (s = 0; s < SIMD; s = s + 1) begin : g_simd
                localparam L = p * SIMD + s;
                /* verilator lint_off UNUSEDSIGNAL */ // unused in lanes a packed pair covers
                wire [ABITS-1:0] a = cfg_dw ? ((s == 0) ? act[p*ABITS +: ABITS] : {ABITS{1'b0}})
                                            : act[s*ABITS +: ABITS];
                wire [WBITS-1:0] w = wt[L*WBITS +: WBITS];
                /* verilator lint_on UNUSEDSIGNAL */
                // unpacked multiplier: built unless every PE of this pair is packed (PACK 1)
                if (HAS_MAC && !(PACK == 1 && HAS_PACK && (p % 2 == 1 || p + 1 < PE))) begin : g_mul
                    wire signed [MW-1:0] m = $signed(w) * $signed({1'b0, a});
                    assign v_mac[L*ACCW +: ACCW] = {{(ACCW-MW){m[MW-1]}}, m};
                end else begin : g_nomul
                    assign v_mac[L*ACCW +: ACCW] = {ACCW{1'b0}};
                end
                if (HAS_PACK && (p % 2 == 0) && (p + 1 < PE)) begin : g_pack
                    wire [WBITS-1:0] w1 = wt[(L+SIMD)*WBITS +: WBITS];
                    wire signed [PWW-1:0] pw = ($signed({{S{w1[WBITS-1]}}, w1}) <<< S)
                                             + $signed({{S{w[WBITS-1]}}, w});
                    wire signed [PPW-1:0] prod = pw * $signed({1'b0, a});
                    wire signed [S-1:0] lo = prod[S-1:0];
                    // prod = hi * 2^S + lo (lo signed), so hi = floor(prod / 2^S) + sign(lo)
                    wire [PPW-S-1:0] hi = prod[PPW-1:S] + {{(PPW-S-1){1'b0}}, lo[S-1]};
                    assign v_pack[L*ACCW +: ACCW] = {{(ACCW-S){lo[S-1]}}, lo};
                    assign v_pack[(L+SIMD)*ACCW +: ACCW] = {{(ACCW-(PPW-S)){hi[PPW-S-1]}}, hi};
                end else if (!(HAS_PACK && (p % 2 == 1))) begin : g_nopack
                    assign v_pack[L*ACCW +: ACCW] = v_mac[L*ACCW +: ACCW];
                end
                if (HAS_SAC) begin : g_sac
                    wire [ACCW-1:0] mag = {{(ACCW-ABITS){1'b0}}, a} << w[4:0];
                    assign v_sac[L*ACCW +: ACCW] = w[6] ? {ACCW{1'b0}} : (w[7] ? -mag : mag);
                end else begin : g_nosac
                    assign v_sac[L*ACCW +: ACCW] = {ACCW{1'b0}};
                end
            end
        end
    endgenerate

    reg [PE*ACCW-1:0] sum_c;
    reg [ACCW-1:0]    acc_t;
    integer i, j;
    always @* begin
        for (i = 0; i < PE; i = i + 1) begin
            acc_t = {ACCW{1'b0}};
            for (j = 0; j < SIMD; j = j + 1) begin
                if (use_sac)
                    acc_t = acc_t + v_sac[(i*SIMD+j)*ACCW +: ACCW];
                else if (use_pack)
                    acc_t = acc_t + v_pack[(i*SIMD+j)*ACCW +: ACCW];
                else
                    acc_t = acc_t + v_mac[(i*SIMD+j)*ACCW +: ACCW];
            end
            sum_c[i*ACCW +: ACCW] = acc_t;
        end
    end

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
