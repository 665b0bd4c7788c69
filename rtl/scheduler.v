// scheduler.v: loop-nest counters of one conv layer; one control word per cycle.
//
// Loop order (outer to inner): oy, ox, nf (Cout/PE folds), ky, kx, cf (Cin/SIMD folds).
// Depthwise (cfg_dw): the cf loop has one trip and the feature fold is nf itself.
// A row of output pixels starts only when the feature loader holds every input row it
// needs (rows_done >= min(H, oy*stride - pad + K)), and the frame's last pixel only when
// the whole input frame is in (its leftover rows are drained with it, as in
// sim/scheduler); otherwise there are no bubbles, so a row costs exactly OW*NF*K*K*CFL
// cycles (the MVAU closed form divided by OH). The control word names the feature fold
// (cf; depthwise: nf) that the feature loader selects from the input pixel word.
// Mirrors sim/scheduler (C model block of the same name).
`default_nettype none
module scheduler #(
    parameter XW  = 6,  // bits of an input column index
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
    input  wire [3:0]     cfg_nr,     // line-buffer rows
    input  wire [15:0]    rows_done,  // complete input rows held by the feature loader
    output wire [15:0]    low_row,    // lowest input row still needed
    // control stream to the feature loader / filter loader / pe_array
    input  wire           ctrl_ready,
    output reg            ctrl_valid,
    output reg            ctrl_pad,
    output reg            ctrl_first,
    output reg            ctrl_last,
    output reg [3:0]      ctrl_slot,
    output reg [XW-1:0]   ctrl_x,
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
    reg [3:0]     sbase;

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
    assign low_row = iy0[17] ? 16'd0 : iy0[15:0];

    wire signed [17:0] y = iy0 + $signed({14'd0, ky});
    wire signed [17:0] x = ix0 + $signed({14'd0, kx});
    wire pad_now = y[17] || x[17] || (y >= $signed({2'b00, cfg_h})) || (x >= $signed({2'b00, cfg_w}));
    wire [4:0] nr5 = {1'b0, cfg_nr};
    wire [4:0] slot_sum = {1'b0, sbase} + {1'b0, ky};
    wire [3:0] slot_dif = sbase + ky - cfg_nr;
    wire [3:0] slot_now = (slot_sum >= nr5) ? slot_dif : slot_sum[3:0];
    wire [4:0] sb_sum = {1'b0, sbase} + {3'b000, cfg_stride};
    wire [3:0] sb_dif = sbase + {2'b00, cfg_stride} - cfg_nr;
    wire [3:0] sb_next = (sb_sum >= nr5) ? sb_dif : sb_sum[3:0];
    wire [3:0] sb_init = (cfg_pad == 3'd0) ? 4'd0 : cfg_nr - {1'b0, cfg_pad};
    wire signed [17:0] pad_s = $signed({15'd0, cfg_pad});
    wire signed [17:0] str_s = $signed({16'd0, cfg_stride});

    wire issue = busy && ctrl_ready && !(row_start && !rows_ok) && !(frame_end && rows_done < cfg_h);

    always @(posedge clk) begin
        if (rst) begin
            busy <= 1'b0;
            ctrl_valid <= 1'b0;
            oy <= 16'd0; ox <= 16'd0; nf <= {NFW{1'b0}}; ky <= 4'd0; kx <= 4'd0; cf <= {CFW{1'b0}};
            wcnt <= {WAW{1'b0}};
            iy0 <= 18'sd0; ix0 <= 18'sd0; sbase <= 4'd0;
            ctrl_pad <= 1'b0; ctrl_first <= 1'b0; ctrl_last <= 1'b0;
            ctrl_slot <= 4'd0; ctrl_x <= {XW{1'b0}};
            ctrl_waddr <= {WAW{1'b0}}; ctrl_nf <= {NFW{1'b0}};
            ctrl_fold <= {CFW{1'b0}};
        end else if (start) begin
            busy <= 1'b1;
            ctrl_valid <= 1'b0;
            oy <= 16'd0; ox <= 16'd0; nf <= {NFW{1'b0}}; ky <= 4'd0; kx <= 4'd0; cf <= {CFW{1'b0}};
            wcnt <= {WAW{1'b0}};
            iy0 <= -pad_s; ix0 <= -pad_s;
            sbase <= sb_init;
        end else if (ctrl_ready) begin
            ctrl_valid <= issue;
            if (issue) begin
                ctrl_pad   <= pad_now;
                ctrl_first <= (ky == 4'd0) && (kx == 4'd0) && (cf == {CFW{1'b0}});
                ctrl_last  <= last_ky && last_kx && last_cf;
                ctrl_slot  <= slot_now;
                ctrl_x     <= x[XW-1:0];
                ctrl_fold  <= cfg_dw ? nf[CFW-1:0] : cf;
                ctrl_waddr <= wcnt;
                ctrl_nf    <= nf;
                wcnt <= wcnt + 1'b1;
                if (!last_cf) cf <= cf + 1'b1;
                else begin
                    cf <= {CFW{1'b0}};
                    if (!last_kx) kx <= kx + 4'd1;
                    else begin
                        kx <= 4'd0;
                        if (!last_ky) ky <= ky + 4'd1;
                        else begin
                            ky <= 4'd0;
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
                                    sbase <= sb_next;
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
