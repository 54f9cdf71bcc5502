/*
 * Optional C accelerator for shuangsuiji-draw-v1 (shuangsuiji.lottery._fastdraw).
 *
 * The pure-Python code in population.py and draw.py is the reference; this module computes
 * the same thing faster and is only ever trusted in one direction:
 *
 *   scan()   checks the rows of a population file.  It may *refuse* a file that the Python
 *            parser would accept (it then returns None and Python re-reads the whole file),
 *            but it must never accept a file that Python refuses.  Anything it cannot
 *            decide on its own (a non-ASCII id or stratum: NFC, Unicode white space and
 *            character counts) is handed back to Python to check.
 *   select() computes the keys and keeps, per stratum, the n_h smallest (key, id) entries,
 *            returned in the same shape as draw._rank_blocks so that Python's _merge builds
 *            the record exactly as the reference path does.
 *
 * Both release the GIL and can split the rows over a few threads at line boundaries.  Each
 * row's key depends only on the seed and the row, and per-thread winners are merged by the
 * same total order (key, id), so the result does not depend on the thread count.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but EVP allocates
 * per context copy; the plain struct can be copied by assignment, which is what makes the
 * midstate trick cost nothing.  They remain in OpenSSL 3 and use SHA-NI where present. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KEY_BYTES 32
#define MAX_ID_CHARS 64
#define MAX_STRATUM_CHARS 32
#define MAX_TICKETS 1000
#define MAX_THREADS 16

/* ---------------------------------------------------------------------------------------
 * A small open-addressing table from stratum bytes to a slot.  Keys point into memory that
 * outlives the table (the population buffer, or a copy owned by the caller).
 */
typedef struct {
    const uint8_t *key; /* NULL: empty slot */
    size_t len;
    uint64_t hash;
    int64_t count;      /* scan: rows seen;           select: index into the strata array */
    int64_t first_line; /* scan: first line (local);  select: unused */
} Slot;

typedef struct {
    Slot *slots;
    size_t cap; /* a power of two */
    size_t used;
} Table;

static uint64_t
hash_bytes(const uint8_t *p, size_t n)
{
    /* FNV-1a: strata are short labels, few distinct; quality matters little, speed does. */
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int
table_init(Table *t, size_t cap)
{
    t->cap = cap;
    t->used = 0;
    t->slots = calloc(cap, sizeof(Slot));
    return t->slots != NULL ? 0 : -1;
}

static void
table_free(Table *t)
{
    free(t->slots);
    t->slots = NULL;
    t->cap = t->used = 0;
}

static Slot *
table_probe(Slot *slots, size_t cap, const uint8_t *key, size_t len, uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);
    for (;;) {
        Slot *s = &slots[i];
        if (s->key == NULL ||
            (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
            return s;
        i = (i + 1) & (cap - 1);
    }
}

/* Returns the slot for key (inserting it with count 0 if absent), or NULL if out of memory. */
static Slot *
table_get(Table *t, const uint8_t *key, size_t len, int *inserted)
{
    uint64_t h = hash_bytes(key, len);
    Slot *s = table_probe(t->slots, t->cap, key, len, h);
    *inserted = 0;
    if (s->key != NULL)
        return s;
    if ((t->used + 1) * 2 > t->cap) {
        /* Keep the load under one half so that probes stay short. */
        size_t ncap = t->cap * 2;
        Slot *ns = calloc(ncap, sizeof(Slot));
        if (ns == NULL)
            return NULL;
        for (size_t i = 0; i < t->cap; i++) {
            if (t->slots[i].key != NULL)
                *table_probe(ns, ncap, t->slots[i].key, t->slots[i].len, t->slots[i].hash) =
                    t->slots[i];
        }
        free(t->slots);
        t->slots = ns;
        t->cap = ncap;
        s = table_probe(t->slots, t->cap, key, len, h);
    }
    s->key = key;
    s->len = len;
    s->hash = h;
    s->count = 0;
    s->first_line = 0;
    t->used++;
    *inserted = 1;
    return s;
}

static Slot *
table_find(const Table *t, const uint8_t *key, size_t len)
{
    Slot *s = table_probe(t->slots, t->cap, key, len, hash_bytes(key, len));
    return s->key != NULL ? s : NULL;
}

/* Python's bytes order: memcmp over the common length, then the shorter first. */
static int
bytes_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c != 0)
        return c;
    return (alen > blen) - (alen < blen);
}

/* Characters that Python's str.strip() removes, restricted to ASCII (str.isspace()). */
static int
is_ascii_space(uint8_t c)
{
    return (c >= 9 && c <= 13) || (c >= 28 && c <= 32);
}

/* Cut [begin, end) into `parts` ranges ending at a LF (the data ends with LF). */
static void
split_lines(const uint8_t *begin, const uint8_t *end, int parts, const uint8_t **cuts)
{
    size_t total = (size_t)(end - begin);
    cuts[0] = begin;
    for (int k = 1; k < parts; k++) {
        const uint8_t *p = begin + total / (size_t)parts * (size_t)k;
        if (p < cuts[k - 1])
            p = cuts[k - 1];
        if (p > begin && p < end) {
            const uint8_t *nl = memchr(p - 1, '\n', (size_t)(end - (p - 1)));
            p = nl != NULL ? nl + 1 : end;
        }
        cuts[k] = p;
    }
    cuts[parts] = end;
}

/* Run work(arg[k]) for k < n, k >= 1 in new threads and k = 0 in this one.  If a thread
 * cannot be started its share simply runs here: the result does not depend on it. */
static void
run_parallel(void *(*work)(void *), void *args, size_t arg_size, int n)
{
    pthread_t tids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int k = 1; k < n; k++)
        started[k] = pthread_create(&tids[k], NULL, work, (char *)args + arg_size * k) == 0;
    work(args);
    for (int k = 1; k < n; k++) {
        if (started[k])
            pthread_join(tids[k], NULL);
        else
            work((char *)args + arg_size * k);
    }
}

/* ---------------------------------------------------------------------------------------
 * scan: strict checking of row lines.
 */
typedef struct {
    int64_t start, end, line; /* byte offsets of a line (without LF), its local number */
} Deferred;

enum { ST_OK = 0, ST_REFUSE = 1, ST_NOMEM = 2 };

typedef struct {
    const uint8_t *base, *begin, *end;
    int status;
    int64_t lines;
    const uint8_t *first_id, *last_id;
    size_t first_len, last_len;
    Table strata;
    Deferred *deferred;
    size_t ndeferred, capdeferred;
} ScanPart;

/* One field up to ',' or LF.  Returns its end, or NULL if the line holds a CR (refused by
 * Python too) -- CR is looked for here because it may sit anywhere. `high` collects bits. */
static inline const uint8_t *
field_end(const uint8_t *p, const uint8_t *end, uint8_t *high)
{
    uint8_t acc = 0;
    while (p < end && *p != ',' && *p != '\n') {
        if (*p == '\r')
            return NULL;
        acc |= *p;
        p++;
    }
    *high = acc & 0x80;
    return p;
}

/* ASCII label: 1..max characters, not starting or ending with white space.  Inner bytes
 * other than ',', CR and LF are allowed, exactly as label_problem() allows them. */
static inline int
ascii_label_ok(const uint8_t *p, size_t n, size_t max)
{
    return n >= 1 && n <= max && !is_ascii_space(p[0]) && !is_ascii_space(p[n - 1]);
}

static void *
scan_work(void *arg)
{
    ScanPart *part = arg;
    const uint8_t *p = part->begin, *end = part->end;
    const uint8_t *prev = NULL;
    size_t prev_len = 0;
    int64_t line = 0;
    while (p < end) {
        uint8_t id_high, st_high;
        line++;
        const uint8_t *id = p;
        const uint8_t *c1 = field_end(p, end, &id_high);
        if (c1 == NULL || c1 >= end || *c1 != ',')
            goto refuse; /* CR, or fewer than 3 fields */
        size_t id_len = (size_t)(c1 - id);
        const uint8_t *st = c1 + 1;
        const uint8_t *c2 = field_end(st, end, &st_high);
        if (c2 == NULL || c2 >= end || *c2 != ',')
            goto refuse;
        size_t st_len = (size_t)(c2 - st);
        /* tickets: 1-4 ASCII digits, no leading zero, at most 1000, then LF. */
        const uint8_t *q = c2 + 1;
        int tickets = 0, digits = 0;
        while (q < end && *q >= '0' && *q <= '9' && digits < 5) {
            tickets = tickets * 10 + (*q - '0');
            digits++;
            q++;
        }
        if (q >= end || *q != '\n' || digits == 0 || digits > 4 || c2[1] == '0' ||
            tickets > MAX_TICKETS)
            goto refuse;
        if (id_len == 0 || st_len == 0)
            goto refuse;
        if (id_high) {
            /* Non-ASCII id: NFC, Unicode white space and the character count are Python's
             * to check (draw.population._check_line on this very line). */
            if (part->ndeferred == part->capdeferred) {
                size_t ncap = part->capdeferred ? part->capdeferred * 2 : 64;
                Deferred *nd = realloc(part->deferred, ncap * sizeof(Deferred));
                if (nd == NULL) {
                    part->status = ST_NOMEM;
                    return NULL;
                }
                part->deferred = nd;
                part->capdeferred = ncap;
            }
            Deferred *d = &part->deferred[part->ndeferred++];
            d->start = id - part->base;
            d->end = q - part->base;
            d->line = line;
        }
        else if (!ascii_label_ok(id, id_len, MAX_ID_CHARS)) {
            goto refuse;
        }
        /* A non-ASCII stratum is checked once per distinct label by Python. */
        if (!st_high && !ascii_label_ok(st, st_len, MAX_STRATUM_CHARS))
            goto refuse;
        /* Ids strictly increasing by bytes: sorted and unique in one comparison. */
        if (prev != NULL && bytes_cmp(id, id_len, prev, prev_len) <= 0)
            goto refuse;
        if (prev == NULL) {
            part->first_id = id;
            part->first_len = id_len;
        }
        prev = id;
        prev_len = id_len;
        int inserted;
        Slot *s = table_get(&part->strata, st, st_len, &inserted);
        if (s == NULL) {
            part->status = ST_NOMEM;
            return NULL;
        }
        if (inserted)
            s->first_line = line;
        s->count++;
        p = q + 1;
    }
    part->lines = line;
    part->last_id = prev;
    part->last_len = prev_len;
    return NULL;
refuse:
    part->status = ST_REFUSE;
    return NULL;
}

static PyObject *
fastdraw_scan(PyObject *self, PyObject *args)
{
    Py_buffer buf;
    Py_ssize_t start;
    int threads;
    if (!PyArg_ParseTuple(args, "y*ni", &buf, &start, &threads))
        return NULL;
    PyObject *result = NULL, *counts = NULL, *firsts = NULL, *deferred = NULL;
    ScanPart parts[MAX_THREADS];
    int n = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
    memset(parts, 0, sizeof(parts));
    const uint8_t *data = buf.buf;
    if (start < 0 || start > buf.len || buf.len == 0 || data[buf.len - 1] != '\n') {
        PyBuffer_Release(&buf);
        Py_RETURN_NONE; /* not a file scan() can decide on: Python reads it */
    }
    const uint8_t *cuts[MAX_THREADS + 1];
    split_lines(data + start, data + buf.len, n, cuts);
    for (int k = 0; k < n; k++) {
        parts[k].base = data;
        parts[k].begin = cuts[k];
        parts[k].end = cuts[k + 1];
        if (table_init(&parts[k].strata, 16) < 0) {
            PyErr_NoMemory();
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    run_parallel(scan_work, parts, sizeof(ScanPart), n);
    Py_END_ALLOW_THREADS

    int refused = 0;
    const uint8_t *last = NULL;
    size_t last_len = 0;
    for (int k = 0; k < n; k++) {
        if (parts[k].status == ST_NOMEM) {
            PyErr_NoMemory();
            goto done;
        }
        if (parts[k].status != ST_OK)
            refused = 1;
        /* Parts were checked separately; the order across each cut is checked here. */
        if (parts[k].first_id != NULL) {
            if (last != NULL &&
                bytes_cmp(parts[k].first_id, parts[k].first_len, last, last_len) <= 0)
                refused = 1;
            last = parts[k].last_id;
            last_len = parts[k].last_len;
        }
    }
    if (refused) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    counts = PyDict_New();
    firsts = PyDict_New();
    deferred = PyList_New(0);
    if (counts == NULL || firsts == NULL || deferred == NULL)
        goto done;
    int64_t line_base = 1; /* the header is line 1 */
    for (int k = 0; k < n; k++) {
        ScanPart *part = &parts[k];
        for (size_t i = 0; i < part->strata.cap; i++) {
            Slot *s = &part->strata.slots[i];
            if (s->key == NULL)
                continue;
            PyObject *key = PyBytes_FromStringAndSize((const char *)s->key, (Py_ssize_t)s->len);
            if (key == NULL)
                goto done;
            PyObject *old = PyDict_GetItemWithError(counts, key); /* borrowed */
            long long total = s->count;
            if (old == NULL && PyErr_Occurred()) {
                Py_DECREF(key);
                goto done;
            }
            if (old != NULL)
                total += PyLong_AsLongLong(old);
            PyObject *v = PyLong_FromLongLong(total);
            int rc = v == NULL ? -1 : PyDict_SetItem(counts, key, v);
            Py_XDECREF(v);
            if (rc == 0 && old == NULL) {
                /* Earlier parts come first in the file, so the first sighting wins. */
                v = PyLong_FromLongLong(line_base + s->first_line);
                rc = v == NULL ? -1 : PyDict_SetItem(firsts, key, v);
                Py_XDECREF(v);
            }
            Py_DECREF(key);
            if (rc < 0)
                goto done;
        }
        for (size_t i = 0; i < part->ndeferred; i++) {
            Deferred *d = &part->deferred[i];
            PyObject *t = Py_BuildValue("(LLL)", (long long)d->start, (long long)d->end,
                                        (long long)(line_base + d->line));
            if (t == NULL || PyList_Append(deferred, t) < 0) {
                Py_XDECREF(t);
                goto done;
            }
            Py_DECREF(t);
        }
        line_base += part->lines;
    }
    result = PyTuple_Pack(3, counts, firsts, deferred);
done:
    Py_XDECREF(counts);
    Py_XDECREF(firsts);
    Py_XDECREF(deferred);
    for (int k = 0; k < n; k++) {
        table_free(&parts[k].strata);
        free(parts[k].deferred);
    }
    PyBuffer_Release(&buf);
    return result;
}

/* ---------------------------------------------------------------------------------------
 * select: keys and the n_h smallest (key, id) per stratum.
 */
typedef struct {
    uint8_t key[KEY_BYTES];
    const uint8_t *id;
    size_t idlen;
} Entry;

/* (key, id) order.  Keys are raw digests: memcmp on them is the order of their lowercase
 * hex, which is what draw-v1 compares. */
static int
entry_cmp(const Entry *a, const Entry *b)
{
    int c = memcmp(a->key, b->key, KEY_BYTES);
    if (c != 0)
        return c;
    return bytes_cmp(a->id, a->idlen, b->id, b->idlen);
}

static int
entry_qsort_cmp(const void *a, const void *b)
{
    return entry_cmp(a, b);
}

/* A bounded max-heap: the root is the worst of the best n seen so far, so a new row needs
 * one comparison with it to be rejected, which is the fate of almost every row. */
typedef struct {
    Entry *a;
    size_t len, cap, limit;
} Heap;

static void
heap_sift_down(Heap *h, size_t i)
{
    Entry *a = h->a;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->len && entry_cmp(&a[l], &a[m]) > 0)
            m = l;
        if (r < h->len && entry_cmp(&a[r], &a[m]) > 0)
            m = r;
        if (m == i)
            return;
        Entry t = a[i];
        a[i] = a[m];
        a[m] = t;
        i = m;
    }
}

/* Offer an entry; returns -1 only when out of memory. */
static int
heap_offer(Heap *h, const Entry *e)
{
    if (h->len == h->limit) {
        if (entry_cmp(e, &h->a[0]) >= 0)
            return 0;
        h->a[0] = *e;
        heap_sift_down(h, 0);
        return 0;
    }
    if (h->len == h->cap) {
        /* Grow on demand: a quota of 100% must not allocate n_h entries up front. */
        size_t ncap = h->cap ? h->cap * 2 : 256;
        if (ncap > h->limit)
            ncap = h->limit;
        Entry *na = realloc(h->a, ncap * sizeof(Entry));
        if (na == NULL)
            return -1;
        h->a = na;
        h->cap = ncap;
    }
    size_t i = h->len++;
    Entry *a = h->a;
    a[i] = *e;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (entry_cmp(&a[i], &a[parent]) <= 0)
            break;
        Entry t = a[i];
        a[i] = a[parent];
        a[parent] = t;
        i = parent;
    }
    return 0;
}

typedef struct {
    const uint8_t *begin, *end;
    const SHA256_CTX *base; /* state after absorbing "<seed>:" */
    const Table *strata;    /* stratum -> index into limits */
    const int64_t *limits;
    size_t nstrata;
    Heap *heaps; /* one per stratum, owned by this part */
    int status;
} SelectPart;

static void *
select_work(void *arg)
{
    SelectPart *part = arg;
    const uint8_t *p = part->begin, *end = part->end;
    /* The message after the prefix for one ticket, "id:1"; ids are at most 64 characters,
     * i.e. 256 UTF-8 bytes, but the buffer is only a fast path, not a limit. */
    uint8_t msg[320];
    /* Rows of one stratum tend not to repeat, but the last lookup is cheap to remember. */
    const uint8_t *last_st = NULL;
    size_t last_st_len = 0;
    Slot *last_slot = NULL;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        const uint8_t *c1 = nl ? memchr(p, ',', (size_t)(nl - p)) : NULL;
        const uint8_t *c2 = c1 ? memchr(c1 + 1, ',', (size_t)(nl - c1 - 1)) : NULL;
        if (c2 == NULL) {
            part->status = ST_REFUSE;
            return NULL;
        }
        const uint8_t *id = p, *st = c1 + 1;
        size_t id_len = (size_t)(c1 - p), st_len = (size_t)(c2 - st);
        int tickets = 0;
        for (const uint8_t *q = c2 + 1; q < nl; q++) {
            if (*q < '0' || *q > '9' || tickets > MAX_TICKETS) {
                part->status = ST_REFUSE;
                return NULL;
            }
            tickets = tickets * 10 + (*q - '0');
        }
        if (tickets < 1 || tickets > MAX_TICKETS) {
            part->status = ST_REFUSE;
            return NULL;
        }
        p = nl + 1;
        Slot *s;
        if (last_slot != NULL && st_len == last_st_len && memcmp(st, last_st, st_len) == 0) {
            s = last_slot;
        }
        else {
            s = table_find(part->strata, st, st_len);
            last_st = st;
            last_st_len = st_len;
            last_slot = s;
        }
        if (s == NULL || part->limits[s->count] == 0)
            continue; /* as in Python: no bucket, no hashing */
        Heap *h = &part->heaps[s->count];
        Entry e;
        e.id = id;
        e.idlen = id_len;
        if (tickets == 1 && id_len + 2 <= sizeof(msg)) {
            /* The common case: one copy of the midstate, one compression. */
            SHA256_CTX c = *part->base;
            memcpy(msg, id, id_len);
            msg[id_len] = ':';
            msg[id_len + 1] = '1';
            SHA256_Update(&c, msg, id_len + 2);
            SHA256_Final(e.key, &c);
        }
        else {
            /* Several tickets: absorb "id:" once, then only the ticket number per ticket. */
            SHA256_CTX row = *part->base;
            SHA256_Update(&row, id, id_len);
            SHA256_Update(&row, ":", 1);
            memset(e.key, 0xff, KEY_BYTES);
            for (int j = 1; j <= tickets; j++) {
                uint8_t digits[8], d[KEY_BYTES];
                int nd = snprintf((char *)digits, sizeof(digits), "%d", j);
                SHA256_CTX c = row;
                SHA256_Update(&c, digits, (size_t)nd);
                SHA256_Final(d, &c);
                if (memcmp(d, e.key, KEY_BYTES) < 0)
                    memcpy(e.key, d, KEY_BYTES);
            }
        }
        if (heap_offer(h, &e) < 0) {
            part->status = ST_NOMEM;
            return NULL;
        }
    }
    return NULL;
}

static PyObject *
fastdraw_select(PyObject *self, PyObject *args)
{
    Py_buffer buf;
    Py_ssize_t start;
    const char *seed;
    Py_ssize_t seed_len;
    PyObject *drawn;
    int threads;
    if (!PyArg_ParseTuple(args, "y*ns#O!i", &buf, &start, &seed, &seed_len, &PyDict_Type,
                          &drawn, &threads))
        return NULL;
    int n = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
    PyObject *result = NULL, *keys = NULL;
    Table strata = {0};
    int64_t *limits = NULL;
    uint8_t *arena = NULL;
    SelectPart parts[MAX_THREADS];
    Entry *pool = NULL;
    memset(parts, 0, sizeof(parts));
    const uint8_t *data = buf.buf;
    if (seed_len != 64) {
        PyErr_SetString(PyExc_ValueError, "seed must be 64 hex characters");
        goto done;
    }
    if (start < 0 || start > buf.len || (buf.len > start && data[buf.len - 1] != '\n')) {
        PyErr_SetString(PyExc_ValueError, "rows must end with LF");
        goto done;
    }
    /* Copy the stratum labels out of the dict: the GIL is released while they are used. */
    keys = PyDict_Keys(drawn);
    if (keys == NULL)
        goto done;
    Py_ssize_t nstrata = PyList_GET_SIZE(keys);
    size_t arena_size = 1;
    for (Py_ssize_t i = 0; i < nstrata; i++) {
        PyObject *k = PyList_GET_ITEM(keys, i);
        if (!PyBytes_Check(k)) {
            PyErr_SetString(PyExc_TypeError, "strata must be bytes");
            goto done;
        }
        arena_size += (size_t)PyBytes_GET_SIZE(k);
    }
    arena = malloc(arena_size);
    limits = calloc((size_t)nstrata + 1, sizeof(int64_t));
    size_t cap = 16;
    while (cap < (size_t)nstrata * 2 + 2)
        cap *= 2;
    if (arena == NULL || limits == NULL || table_init(&strata, cap) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    size_t off = 0;
    for (Py_ssize_t i = 0; i < nstrata; i++) {
        PyObject *k = PyList_GET_ITEM(keys, i);
        long long lim = PyLong_AsLongLong(PyDict_GetItem(drawn, k));
        if (lim == -1 && PyErr_Occurred())
            goto done;
        if (lim < 0) {
            PyErr_SetString(PyExc_ValueError, "drawn counts must not be negative");
            goto done;
        }
        size_t len = (size_t)PyBytes_GET_SIZE(k);
        memcpy(arena + off, PyBytes_AS_STRING(k), len);
        int inserted;
        Slot *s = table_get(&strata, arena + off, len, &inserted);
        if (s == NULL) { /* cannot happen: the table was sized for all keys */
            PyErr_NoMemory();
            goto done;
        }
        s->count = i;
        limits[i] = lim;
        off += len;
    }

    SHA256_CTX base;
    SHA256_Init(&base);
    /* "<64 hex>:" is 65 bytes: the first block is the same for every ticket, so it is
     * compressed once here and each ticket costs a copy and (for short ids) one block. */
    SHA256_Update(&base, seed, 64);
    SHA256_Update(&base, ":", 1);

    const uint8_t *cuts[MAX_THREADS + 1];
    split_lines(data + start, data + buf.len, n, cuts);
    for (int k = 0; k < n; k++) {
        parts[k].begin = cuts[k];
        parts[k].end = cuts[k + 1];
        parts[k].base = &base;
        parts[k].strata = &strata;
        parts[k].limits = limits;
        parts[k].nstrata = (size_t)nstrata;
        parts[k].heaps = calloc((size_t)nstrata + 1, sizeof(Heap));
        if (parts[k].heaps == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        for (Py_ssize_t i = 0; i < nstrata; i++)
            parts[k].heaps[i].limit = (size_t)limits[i];
    }
    Py_BEGIN_ALLOW_THREADS
    run_parallel(select_work, parts, sizeof(SelectPart), n);
    Py_END_ALLOW_THREADS
    for (int k = 0; k < n; k++) {
        if (parts[k].status == ST_NOMEM) {
            PyErr_NoMemory();
            goto done;
        }
        if (parts[k].status != ST_OK) {
            PyErr_SetString(PyExc_ValueError, "population rows are not in draw-v1 form");
            goto done;
        }
    }

    result = PyDict_New();
    if (result == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < nstrata; i++) {
        if (limits[i] == 0)
            continue; /* like draw._buckets: strata drawing nothing have no entry */
        size_t total = 0;
        for (int k = 0; k < n; k++)
            total += parts[k].heaps[i].len;
        free(pool);
        pool = malloc((total ? total : 1) * sizeof(Entry));
        if (pool == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
        size_t m = 0;
        for (int k = 0; k < n; k++) {
            memcpy(pool + m, parts[k].heaps[i].a, parts[k].heaps[i].len * sizeof(Entry));
            m += parts[k].heaps[i].len;
        }
        /* Each part kept its own best n_h; the best n_h of their union are the stratum's. */
        qsort(pool, total, sizeof(Entry), entry_qsort_cmp);
        size_t take = total < (size_t)limits[i] ? total : (size_t)limits[i];
        PyObject *list = PyList_New((Py_ssize_t)take);
        if (list == NULL)
            goto fail;
        for (size_t j = 0; j < take; j++) {
            PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(KEY_BYTES + pool[j].idlen));
            if (b == NULL) {
                Py_DECREF(list);
                goto fail;
            }
            memcpy(PyBytes_AS_STRING(b), pool[j].key, KEY_BYTES);
            memcpy(PyBytes_AS_STRING(b) + KEY_BYTES, pool[j].id, pool[j].idlen);
            PyList_SET_ITEM(list, (Py_ssize_t)j, b);
        }
        int rc = PyDict_SetItem(result, PyList_GET_ITEM(keys, i), list);
        Py_DECREF(list);
        if (rc < 0)
            goto fail;
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    free(pool);
    for (int k = 0; k < n; k++) {
        if (parts[k].heaps != NULL) {
            for (size_t i = 0; i < parts[k].nstrata; i++)
                free(parts[k].heaps[i].a);
            free(parts[k].heaps);
        }
    }
    table_free(&strata);
    free(limits);
    free(arena);
    Py_XDECREF(keys);
    PyBuffer_Release(&buf);
    return result;
}

static PyMethodDef fastdraw_methods[] = {
    {"scan", fastdraw_scan, METH_VARARGS,
     "scan(data, start, threads) -> (counts, first_lines, deferred) | None\n\n"
     "Check the row lines data[start:] of a population file.  None: not decided here, read\n"
     "the file with the Python parser.  deferred: (start, end, line) of rows whose id is\n"
     "not ASCII, for Python to check; strata that are not ASCII must be checked too."},
    {"select", fastdraw_select, METH_VARARGS,
     "select(data, start, seed, drawn, threads) -> {stratum: [key32 + id, ...]}\n\n"
     "The drawn[stratum] smallest (key, id) entries of each stratum with a positive count,\n"
     "sorted, from the validated rows data[start:]."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fastdraw_module = {
    PyModuleDef_HEAD_INIT,
    "shuangsuiji.lottery._fastdraw",
    "C accelerator for shuangsuiji-draw-v1; the pure-Python code is the reference.",
    -1,
    fastdraw_methods,
};

PyMODINIT_FUNC
PyInit__fastdraw(void)
{
    return PyModule_Create(&fastdraw_module);
}
