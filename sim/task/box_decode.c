/* box_decode.c: single-box decode of the UltraNet head and IoU. */
#include "box_decode.h"

#include <math.h>
#include <stdlib.h>

int box_decode_single(const tensor *head, const box_decode_cfg *cfg, box *out, tf_err *e)
{
    int A = cfg->anchors;
    if (A < 1 || head->c != A * 6)
        return tf_errf(e, "box decode: head has %d channels, expected %d anchors x 6 = %d", head->c, A, A * 6);
    if (cfg->div <= 0 || cfg->net_w <= 0 || cfg->net_h <= 0 || cfg->img_w <= 0 || cfg->img_h <= 0)
        return tf_errf(e, "box decode: bad scale parameters");
    int gw = head->w, gh = head->h, best = 0;
    int64_t best_conf = 0;
    for (int cell = 0; cell < gw * gh; cell++) {
        int64_t s = 0;
        for (int a = 0; a < A; a++)
            s += *tensor_at(head, a * 6 + 4, cell / gw, cell % gw);
        if (cell == 0 || s > best_conf) {
            best_conf = s;
            best = cell;
        }
    }
    int gy = best / gw, gx = best % gw;
    double sx = 0, sy = 0, ew = 0, eh = 0;
    for (int a = 0; a < A; a++) {
        double tx = *tensor_at(head, a * 6 + 0, gy, gx) / cfg->div;
        double ty = *tensor_at(head, a * 6 + 1, gy, gx) / cfg->div;
        double tw = *tensor_at(head, a * 6 + 2, gy, gx) / cfg->div;
        double th = *tensor_at(head, a * 6 + 3, gy, gx) / cfg->div;
        sx += 1.0 / (1.0 + exp(-tx));
        sy += 1.0 / (1.0 + exp(-ty));
        ew += exp(tw);
        eh += exp(th);
    }
    double kx = (double)cfg->img_w / cfg->net_w, ky = (double)cfg->img_h / cfg->net_h;
    double stride_x = (double)cfg->net_w / gw, stride_y = (double)cfg->net_h / gh;
    double cx = (gx + sx / A) * stride_x * kx, cy = (gy + sy / A) * stride_y * ky;
    double w = ew / A * cfg->base * kx, h = eh / A * cfg->base * ky;
    out->xmin = (int)(cx - w / 2);
    out->xmax = (int)(cx + w / 2);
    out->ymin = (int)(cy - h / 2);
    out->ymax = (int)(cy + h / 2);
    return 0;
}

double box_iou(box a, box b)
{
    double ix = fmin(a.xmax, b.xmax) - fmax(a.xmin, b.xmin);
    double iy = fmin(a.ymax, b.ymax) - fmax(a.ymin, b.ymin);
    double inter = (ix > 0 && iy > 0) ? ix * iy : 0;
    double ua = (double)(a.xmax - a.xmin) * (a.ymax - a.ymin) + (double)(b.xmax - b.xmin) * (b.ymax - b.ymin) - inter;
    return ua > 0 ? inter / ua : 0;
}

int box_close(box a, box b, int tol)
{
    return abs(a.xmin - b.xmin) <= tol && abs(a.xmax - b.xmax) <= tol && abs(a.ymin - b.ymin) <= tol &&
           abs(a.ymax - b.ymax) <= tol;
}
