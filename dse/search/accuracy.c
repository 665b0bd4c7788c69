/* accuracy.c: accuracy_cache lookups and fills. */
#include "accuracy.h"

#include <sqlite3.h>
#include <unistd.h>

#include "task/classify.h"

int accuracy_for_bits(store *s, const net *n, bool pow2, double *acc, tf_err *e)
{
    char bw[NET_MAX_LAYERS + 1], ba[NET_MAX_LAYERS + 1];
    net_bit_digits(n, bw, ba, sizeof bw);
    const char *p2 = pow2 ? "pow2" : "int";
    *acc = -1;
    sqlite3 *db = s ? store_sqlite(s) : NULL;
    if (db) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "SELECT value FROM accuracy_cache WHERE net=?1 AND bitw=?2 AND bita=?3 AND pow2=?4",
                               -1, &st, NULL) != SQLITE_OK)
            return tf_errf(e, "accuracy cache: %s", sqlite3_errmsg(db));
        sqlite3_bind_text(st, 1, n->name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, bw, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, ba, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, p2, -1, SQLITE_TRANSIENT);
        int found = sqlite3_step(st) == SQLITE_ROW;
        if (found)
            *acc = sqlite3_column_double(st, 0);
        sqlite3_finalize(st);
        if (found)
            return 0;
    }
    int images = 0;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int rc = cls_top1_for_bits(n, NULL, NULL, pow2, 1000, 0, cpus > 0 ? (int)cpus : 1, acc, &images, e);
    if (rc < 0)
        return -1;
    if (rc > 0 || *acc < 0) {
        *acc = -1;
        return 0;
    }
    if (db) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db,
                               "INSERT OR REPLACE INTO accuracy_cache(net, bitw, bita, pow2, metric, value, images)"
                               " VALUES (?1, ?2, ?3, ?4, 'top1', ?5, ?6)",
                               -1, &st, NULL) != SQLITE_OK)
            return tf_errf(e, "accuracy cache: %s", sqlite3_errmsg(db));
        sqlite3_bind_text(st, 1, n->name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, bw, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, ba, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, p2, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, 5, *acc);
        sqlite3_bind_int(st, 6, images);
        int ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
        if (!ok)
            return tf_errf(e, "accuracy cache: %s", sqlite3_errmsg(db));
    }
    return 0;
}
