// scheduler.v: loop-nest counters of one conv layer; one control word per cycle.
//
// Loop order (outer to inner): oy, ox, nf (Cout/PE folds), ky, kx, cf (Cin/SIMD folds).
// Depthwise (cfg_dw): the cf loop has one trip and the feature fold is nf itself.
// A row of output pixels starts only when the feature loader holds every input row it
// needs (rows_done >= min(H, oy*stride - pad + K)), and the frame's last pixel only when
// the whole input frame is in (its leftover rows are drained with it, as in
// sim/scheduler); otherwise there are no bubbles, so a row costs exactly OW*NF*K*K*CFL
// cycles (the MVAU closed form divided by OH).
// The control word carries the line-buffer address of the window pixel (pixel index
// y*W + x modulo the buffer's cfg_p pixels, kept with adders only), the pad flag and the
// feature fold (cf; depthwise: nf) the feature loader selects from the pixel word. The
// scheduler also reports how many input pixels are no longer needed (low_pix = the first
// row of the current window times W), which is what frees buffer space.
// Mirrors sim/scheduler (C model block of the same name).
`default_nettype none
module scheduler #(
    parameter PAW = 10, // bits of a line-buffer pixel address
    parameter CFW = 6,  // bits of a channel-fold index
    parameter NFW = 6,  // bits of an output-fold index
    parameter WAW = 12  // bits of a weight-memory word address
) (
    input  wire           clk,
    input  wire           rst,
    input  wire           start,
    input  wire [15:0]    cfg_h,
    input  wire [15:0]    cfg_w,
    input  wire [15:0]    cfg_oh,
    input  wire [15:0]    cfg_ow,
    input  wire [3:0]     cfg_k,
    input  wire [1:0]     cfg_stride,
    input  wire [2:0]     cfg_pad,
    input  wire [CFW:0]   cfg_cfl,    // channel folds per kernel position (1 if depthwise)
    input  wire [NFW:0]   cfg_nf,     // output folds Cout/PE
    input  wire           cfg_dw,
    input  wire [PAW:0]   cfg_p,      // line-buffer size in pixels
    input  wire [15:0]    rows_done,  // complete input rows received by the feature loader
    output wire [31:0]    low_pix,    // input pixels no longer needed
    // control stream to the feature loader / filter loader / pe_array
    input  wire           ctrl_ready,
    output reg            ctrl_valid,
    output reg            ctrl_pad,
    output reg            ctrl_first,
    output reg            ctrl_last,
    output reg [PAW-1:0]  ctrl_addr,
    output reg [CFW-1:0]  ctrl_fold,
    output reg [WAW-1:0]  ctrl_waddr,
    output reg [NFW-1:0]  ctrl_nf,
    output reg            busy
);
    reg [15:0]    oy, ox;
    reg [NFW-1:0] nf;
    reg [3:0]     ky, kx;
    reg [CFW-1:0] cf;
    reg [WAW-1:0] wcnt;
    reg signed [17:0] iy0, ix0;
    reg signed [31:0] fp;      // iy0 * W (pixel index of the window's first row)
    reg [PAW:0]   rb0;         // fp modulo P: buffer address of that row
    reg [PAW:0]   kyw;         // ky * W

    // the depthwise feature fold is nf, widened when there are more channel folds than output folds
    localparam XW = (CFW > NFW) ? CFW : NFW;
    /* verilator lint_off UNUSEDSIGNAL */ // the fold uses CFW of its bits
    wire [XW-1:0] nf_x;
    /* verilator lint_on UNUSEDSIGNAL */
    generate
        if (CFW > NFW) begin : g_nf_wide
            assign nf_x = {{(CFW-NFW){1'b0}}, nf};
        end else begin : g_nf_same
            assign nf_x = nf;
        end
    endgenerate

    wire [3:0] km1 = cfg_k - 4'd1;
    wire last_cf = ({1'b0, cf} == cfg_cfl - 1'b1);
    wire last_kx = (kx == km1);
    wire last_ky = (ky == km1);
    wire last_nf = ({1'b0, nf} == cfg_nf - 1'b1);
    wire last_ox = (ox == cfg_ow - 16'd1);
    wire last_oy = (oy == cfg_oh - 16'd1);
    wire pix_start = (nf == {NFW{1'b0}}) && (ky == 4'd0) && (kx == 4'd0) && (cf == {CFW{1'b0}});
    wire row_start = (ox == 16'd0) && pix_start;
    wire frame_end = pix_start && last_ox && last_oy;

    // rows needed by the current output row
    wire signed [17:0] need_s = iy0 + $signed({14'd0, cfg_k});
    wire signed [17:0] done_s = $signed({2'b00, rows_done});
    wire rows_ok = (rows_done >= cfg_h) || (done_s >= need_s);
    assign low_pix = fp[31] ? 32'd0 : fp;

    wire signed [17:0] y = iy0 + $signed({14'd0, ky});
    wire signed [17:0] x = ix0 + $signed({14'd0, kx});
    wire pad_now = y[17] || x[17] || (y >= $signed({2'b00, cfg_h})) || (x >= $signed({2'b00, cfg_w}));

    // buffer address of (y, x): ((rb0 + ky*W) mod P + x) mod P, for x in 0..W-1
    wire [PAW+1:0] ra_sum = {1'b0, rb0} + {1'b0, kyw};
    wire [PAW+1:0] ra     = (ra_sum >= {1'b0, cfg_p}) ? ra_sum - {1'b0, cfg_p} : ra_sum;
    wire [PAW+1:0] x_p    = x[PAW+1:0];   // 0 <= x < W <= P whenever the pixel is not padding
    wire [PAW+1:0] pa_sum = ra + x_p;
    /* verilator lint_off UNUSEDSIGNAL */ // results are < P: the top bits are always zero
    wire [PAW+1:0] pa     = (pa_sum >= {1'b0, cfg_p}) ? pa_sum - {1'b0, cfg_p} : pa_sum;

    // stride and pad in pixels: s*W, pad*W (stride 1..2, pad 0..2)
    wire [PAW:0] w_p  = cfg_w[PAW:0];
    wire [PAW:0] sw   = (cfg_stride == 2'd2) ? {w_p[PAW-1:0], 1'b0} : w_p;
    wire [PAW:0] padw = (cfg_pad == 3'd0) ? {(PAW+1){1'b0}} : (cfg_pad == 3'd1) ? w_p : {w_p[PAW-1:0], 1'b0};
    wire [PAW+1:0] rb_sum = {1'b0, rb0} + {1'b0, sw};
    wire [PAW+1:0] rb_next = (rb_sum >= {1'b0, cfg_p}) ? rb_sum - {1'b0, cfg_p} : rb_sum;
    /* verilator lint_on UNUSEDSIGNAL */

    wire signed [17:0] pad_s = $signed({15'd0, cfg_pad});
    wire signed [17:0] str_s = $signed({16'd0, cfg_stride});

    wire issue = busy && ctrl_ready && !(row_start && !rows_ok) && !(frame_end && rows_done < cfg_h);

    always @(posedge clk) begin
        if (rst) begin
            busy <= 1'b0;
            ctrl_valid <= 1'b0;
            oy <= 16'd0; ox <= 16'd0; nf <= {NFW{1'b0}}; ky <= 4'd0; kx <= 4'd0; cf <= {CFW{1'b0}};
            wcnt <= {WAW{1'b0}};
            iy0 <= 18'sd0; ix0 <= 18'sd0; fp <= 32'sd0; rb0 <= {(PAW+1){1'b0}}; kyw <= {(PAW+1){1'b0}};
            ctrl_pad <= 1'b0; ctrl_first <= 1'b0; ctrl_last <= 1'b0;
            ctrl_addr <= {PAW{1'b0}}; ctrl_fold <= {CFW{1'b0}};
            ctrl_waddr <= {WAW{1'b0}}; ctrl_nf <= {NFW{1'b0}};
        end else if (start) begin
            busy <= 1'b1;
            ctrl_valid <= 1'b0;
            oy <= 16'd0; ox <= 16'd0; nf <= {NFW{1'b0}}; ky <= 4'd0; kx <= 4'd0; cf <= {CFW{1'b0}};
            wcnt <= {WAW{1'b0}};
            iy0 <= -pad_s; ix0 <= -pad_s;
            fp <= -$signed({{(31-PAW){1'b0}}, padw});
            rb0 <= (cfg_pad == 3'd0) ? {(PAW+1){1'b0}} : cfg_p - padw;
            kyw <= {(PAW+1){1'b0}};
        end else if (ctrl_ready) begin
            ctrl_valid <= issue;
            if (issue) begin
                ctrl_pad   <= pad_now;
                ctrl_first <= (ky == 4'd0) && (kx == 4'd0) && (cf == {CFW{1'b0}});
                ctrl_last  <= last_ky && last_kx && last_cf;
                ctrl_addr  <= pa[PAW-1:0];
                ctrl_fold  <= cfg_dw ? nf_x[CFW-1:0] : cf;
                ctrl_waddr <= wcnt;
                ctrl_nf    <= nf;
                wcnt <= wcnt + 1'b1;
                if (!last_cf) cf <= cf + 1'b1;
                else begin
                    cf <= {CFW{1'b0}};
                    if (!last_kx) kx <= kx + 4'd1;
                    else begin
                        kx <= 4'd0;
                        if (!last_ky) begin
                            ky <= ky + 4'd1;
                            kyw <= kyw + w_p;
                        end else begin
                            ky <= 4'd0;
                            kyw <= {(PAW+1){1'b0}};
                            if (!last_nf) nf <= nf + 1'b1;
                            else begin
                                nf <= {NFW{1'b0}};
                                wcnt <= {WAW{1'b0}};
                                if (!last_ox) begin
                                    ox <= ox + 16'd1;
                                    ix0 <= ix0 + str_s;
                                end else begin
                                    ox <= 16'd0;
                                    ix0 <= -pad_s;
                                    oy <= oy + 16'd1;
                                    iy0 <= iy0 + str_s;
                                    fp <= fp + $signed({{(31-PAW){1'b0}}, sw});
                                    rb0 <= rb_next[PAW:0];
                                    if (last_oy) busy <= 1'b0;
                                end
                            end
                        end
                    end
                end
            end
        end
    end
endmodule
`default_nettype wire
