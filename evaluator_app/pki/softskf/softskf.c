/*
 * softskf: a software SKF token (GM/T 0016-2012) over files, for the tests and the demo --
 * what SoftHSM2 is for PKCS#11. Only the functions the application calls are implemented;
 * every other SKF entry point is absent, as on a minimal vendor library.
 *
 * Layout under the root (SOFTSKF_SetRoot, else $SOFTSKF_ROOT, else "tokens" beside this
 * library):
 *   <device>/device             present while this file exists (label=, serial=, manufacturer=)
 *   <device>/behaviour          optional: sign_delay_ms=N (a slow key), hang=1 (never answers
 *                               a signature until the device is removed); either writes
 *                               <device>/signing when a signature starts
 *   <device>/<app>/pin          user PIN; pin_max, pin_remaining: the retry counter
 *   <device>/<app>/<container>/sign.pem  SM2 private key (PKCS#8 PEM)
 *   <device>/<app>/<container>/sign.der, enc.der  signing and encryption certificates
 *
 * Signing takes e = SM3(Z || M) (the caller hashes, as with every SKF key) and returns r || s
 * right-aligned in 64-byte fields. The key is used through OpenSSL 3's SM2, independent of the
 * SM2 library the application verifies with.
 */
#define _GNU_SOURCE /* dladdr */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

typedef uint32_t ULONG;
typedef int32_t BOOL;
typedef uint8_t BYTE;
typedef char CHAR;
typedef char *LPSTR;
typedef void *DEVHANDLE;
typedef void *HAPPLICATION;
typedef void *HCONTAINER;

#define EXPORT __attribute__((visibility("default")))

#define SAR_OK 0x00000000
#define SAR_FAIL 0x0A000001
#define SAR_INVALIDHANDLEERR 0x0A000005
#define SAR_INVALIDPARAMERR 0x0A000006
#define SAR_READFILEERR 0x0A000007
#define SAR_INDATALENERR 0x0A000010
#define SAR_KEYNOTFOUNTERR 0x0A00001B
#define SAR_CERTNOTFOUNTERR 0x0A00001C
#define SAR_BUFFER_TOO_SMALL 0x0A000020
#define SAR_DEVICE_REMOVED 0x0A000023
#define SAR_PIN_INCORRECT 0x0A000024
#define SAR_PIN_LOCKED 0x0A000025
#define SAR_USER_TYPE_INVALID 0x0A00002A
#define SAR_APPLICATION_NAME_INVALID 0x0A00002B
#define SAR_USER_NOT_LOGGED_IN 0x0A00002D
#define SAR_APPLICATION_NOT_EXISTS 0x0A00002E
#define SAR_FILE_NOT_EXIST 0x0A000031

#define USER_TYPE 1
#define SGD_SM2_1 0x00020100
#define SGD_SM3 0x00000001

#pragma pack(push, 1)
typedef struct { BYTE major; BYTE minor; } VERSION;
typedef struct {
    VERSION Version;
    CHAR Manufacturer[64];
    CHAR Issuer[64];
    CHAR Label[32];
    CHAR SerialNumber[32];
    VERSION HWVersion;
    VERSION FirmwareVersion;
    ULONG AlgSymCap, AlgAsymCap, AlgHashCap, DevAuthAlgId, TotalSpace, FreeSpace;
    ULONG MaxECCBufferSize, MaxBufferSize;
    BYTE Reserved[64];
} DEVINFO;
typedef struct { ULONG BitLen; BYTE XCoordinate[64]; BYTE YCoordinate[64]; } ECCPUBLICKEYBLOB;
typedef struct { BYTE r[64]; BYTE s[64]; } ECCSIGNATUREBLOB;
#pragma pack(pop)

enum { MAGIC_DEV = 0x534b4644, MAGIC_APP = 0x534b4641, MAGIC_CON = 0x534b4643 };

typedef struct { uint32_t magic; char path[PATH_MAX]; } dev_t_;
typedef struct { uint32_t magic; dev_t_ *dev; char path[PATH_MAX]; int logged_in; } app_t;
typedef struct { uint32_t magic; app_t *app; char path[PATH_MAX]; } con_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char root_override[PATH_MAX];

EXPORT void SOFTSKF_SetRoot(const char *root) {
    pthread_mutex_lock(&lock);
    snprintf(root_override, sizeof root_override, "%s", root ? root : "");
    pthread_mutex_unlock(&lock);
}

static void root_dir(char *out, size_t n) {
    if (root_override[0]) { snprintf(out, n, "%s", root_override); return; }
    const char *env = getenv("SOFTSKF_ROOT");
    if (env && env[0]) { snprintf(out, n, "%s", env); return; }
    Dl_info info;
    if (dladdr((void *)root_dir, &info) && info.dli_fname) {
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s", info.dli_fname);
        char *slash = strrchr(tmp, '/');
        if (slash) *slash = 0; else snprintf(tmp, sizeof tmp, ".");
        snprintf(out, n, "%s/tokens", tmp);
        return;
    }
    snprintf(out, n, "tokens");
}

static int exists(const char *path) { struct stat st; return stat(path, &st) == 0; }

static int join(char *out, size_t n, const char *a, const char *b) {
    if (strchr(b, '/') || strcmp(b, "..") == 0 || strcmp(b, ".") == 0 || !b[0]) return -1;
    return snprintf(out, n, "%s/%s", a, b) < (int)n ? 0 : -1;
}

/* whole file into a malloc'd, NUL-terminated buffer; NULL if absent */
static BYTE *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    BYTE *buf = NULL;
    size_t cap = 0, used = 0, got;
    do {
        if (used + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            BYTE *nb = realloc(buf, cap);
            if (!nb) { free(buf); fclose(f); return NULL; }
            buf = nb;
        }
        got = fread(buf + used, 1, 4096, f);
        used += got;
    } while (got > 0);
    fclose(f);
    buf[used] = 0;
    if (len) *len = used;
    return buf;
}

static long read_number(const char *dir, const char *name, long dflt) {
    char p[PATH_MAX];
    if (join(p, sizeof p, dir, name)) return dflt;
    BYTE *s = slurp(p, NULL);
    if (!s) return dflt;
    long v = strtol((char *)s, NULL, 10);
    free(s);
    return v;
}

static void write_number(const char *dir, const char *name, long v) {
    char p[PATH_MAX], tmp[PATH_MAX + 8];
    if (join(p, sizeof p, dir, name)) return;
    snprintf(tmp, sizeof tmp, "%s.tmp", p);
    FILE *f = fopen(tmp, "w");
    if (!f) return;
    fprintf(f, "%ld\n", v);
    fclose(f);
    rename(tmp, p); /* the counter survives a crash mid-write, as a token's EEPROM would */
}

/* value of "key=" in a key=value file, copied into out (empty if absent) */
static void read_field(const char *path, const char *key, char *out, size_t n) {
    out[0] = 0;
    BYTE *s = slurp(path, NULL);
    if (!s) return;
    size_t kl = strlen(key);
    for (char *line = strtok((char *)s, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, key, kl) == 0 && line[kl] == '=') {
            snprintf(out, n, "%s", line + kl + 1);
            break;
        }
    }
    free(s);
}

static int device_present(const char *devpath) {
    char p[PATH_MAX];
    return join(p, sizeof p, devpath, "device") == 0 && exists(p);
}

/* names of the subdirectories of dir (those holding `marker` if given) as a multi-string */
static ULONG list_names(const char *dir, const char *marker, LPSTR out, ULONG *size) {
    char buf[8192];
    size_t used = 0;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.') continue;
            char p[PATH_MAX], m[PATH_MAX];
            if (join(p, sizeof p, dir, e->d_name)) continue;
            struct stat st;
            if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) continue;
            if (marker && (join(m, sizeof m, p, marker) || !exists(m))) continue;
            size_t l = strlen(e->d_name) + 1;
            if (used + l + 1 > sizeof buf) break;
            memcpy(buf + used, e->d_name, l);
            used += l;
        }
        closedir(d);
    }
    buf[used++] = 0;
    if (used == 1) buf[used++] = 0; /* an empty list is "\0\0" */
    if (!size) return SAR_INVALIDPARAMERR;
    if (!out) { *size = (ULONG)used; return SAR_OK; }
    if (*size < used) { *size = (ULONG)used; return SAR_BUFFER_TOO_SMALL; }
    memcpy(out, buf, used);
    *size = (ULONG)used;
    return SAR_OK;
}

static ULONG check_dev(dev_t_ *d) {
    if (!d || d->magic != MAGIC_DEV) return SAR_INVALIDHANDLEERR;
    return device_present(d->path) ? SAR_OK : SAR_DEVICE_REMOVED;
}
static ULONG check_app(app_t *a) {
    if (!a || a->magic != MAGIC_APP) return SAR_INVALIDHANDLEERR;
    return check_dev(a->dev);
}
static ULONG check_con(con_t *c) {
    if (!c || c->magic != MAGIC_CON) return SAR_INVALIDHANDLEERR;
    return check_app(c->app);
}

#define LOCKED(body) do { pthread_mutex_lock(&lock); ULONG rv_ = (body); \
    pthread_mutex_unlock(&lock); return rv_; } while (0)

/* --- devices --- */

static ULONG enum_dev(LPSTR list, ULONG *size) {
    char root[PATH_MAX];
    root_dir(root, sizeof root);
    return list_names(root, "device", list, size);
}
EXPORT ULONG SKF_EnumDev(BOOL present, LPSTR list, ULONG *size) {
    (void)present;
    LOCKED(enum_dev(list, size));
}

static ULONG dev_path(const char *name, char *out) {
    char root[PATH_MAX];
    root_dir(root, sizeof root);
    if (!name || join(out, PATH_MAX, root, name)) return SAR_INVALIDPARAMERR;
    return device_present(out) ? SAR_OK : SAR_DEVICE_REMOVED;
}

static ULONG connect_dev(LPSTR name, DEVHANDLE *out) {
    char p[PATH_MAX];
    if (!out) return SAR_INVALIDPARAMERR;
    ULONG rv = dev_path(name, p);
    if (rv) return rv;
    dev_t_ *d = calloc(1, sizeof *d);
    if (!d) return SAR_FAIL;
    d->magic = MAGIC_DEV;
    snprintf(d->path, sizeof d->path, "%s", p);
    *out = d;
    return SAR_OK;
}
EXPORT ULONG SKF_ConnectDev(LPSTR name, DEVHANDLE *out) { LOCKED(connect_dev(name, out)); }

static ULONG disconnect(DEVHANDLE h) {
    dev_t_ *d = h;
    if (!d || d->magic != MAGIC_DEV) return SAR_INVALIDHANDLEERR;
    d->magic = 0; /* kept, not freed: a late call on a stale handle must find it invalid */
    return SAR_OK;
}
EXPORT ULONG SKF_DisConnectDev(DEVHANDLE h) { LOCKED(disconnect(h)); }

static ULONG dev_state(LPSTR name, ULONG *state) {
    char p[PATH_MAX];
    if (!state) return SAR_INVALIDPARAMERR;
    *state = dev_path(name, p) == SAR_OK ? 1 : 0;
    return SAR_OK;
}
EXPORT ULONG SKF_GetDevState(LPSTR name, ULONG *state) { LOCKED(dev_state(name, state)); }

static ULONG dev_info(DEVHANDLE h, DEVINFO *info) {
    dev_t_ *d = h;
    ULONG rv = check_dev(d);
    if (rv) return rv;
    if (!info) return SAR_INVALIDPARAMERR;
    char p[PATH_MAX], v[64];
    join(p, sizeof p, d->path, "device");
    memset(info, 0, sizeof *info);
    info->Version.major = 1;
    read_field(p, "manufacturer", v, sizeof v);
    snprintf(info->Manufacturer, sizeof info->Manufacturer, "%s", v[0] ? v : "softskf");
    snprintf(info->Issuer, sizeof info->Issuer, "%s", "softskf");
    read_field(p, "label", v, sizeof v);
    memcpy(info->Label, v, strnlen(v, sizeof info->Label - 1));
    read_field(p, "serial", v, sizeof v);
    memcpy(info->SerialNumber, v, strnlen(v, sizeof info->SerialNumber - 1));
    info->HWVersion.major = 1;
    info->FirmwareVersion.major = 1;
    info->AlgAsymCap = SGD_SM2_1;
    info->AlgHashCap = SGD_SM3;
    info->MaxECCBufferSize = 256;
    info->MaxBufferSize = 4096;
    return SAR_OK;
}
EXPORT ULONG SKF_GetDevInfo(DEVHANDLE h, DEVINFO *info) { LOCKED(dev_info(h, info)); }

/* --- applications and the PIN --- */

static ULONG enum_app(DEVHANDLE h, LPSTR list, ULONG *size) {
    dev_t_ *d = h;
    ULONG rv = check_dev(d);
    return rv ? rv : list_names(d->path, "pin", list, size);
}
EXPORT ULONG SKF_EnumApplication(DEVHANDLE h, LPSTR list, ULONG *size) {
    LOCKED(enum_app(h, list, size));
}

static ULONG open_app(DEVHANDLE h, LPSTR name, HAPPLICATION *out) {
    dev_t_ *d = h;
    ULONG rv = check_dev(d);
    if (rv) return rv;
    char p[PATH_MAX], pin[PATH_MAX];
    if (!out || !name || join(p, sizeof p, d->path, name)) return SAR_APPLICATION_NAME_INVALID;
    if (join(pin, sizeof pin, p, "pin") || !exists(pin)) return SAR_APPLICATION_NOT_EXISTS;
    app_t *a = calloc(1, sizeof *a);
    if (!a) return SAR_FAIL;
    a->magic = MAGIC_APP;
    a->dev = d;
    snprintf(a->path, sizeof a->path, "%s", p);
    *out = a;
    return SAR_OK;
}
EXPORT ULONG SKF_OpenApplication(DEVHANDLE h, LPSTR name, HAPPLICATION *out) {
    LOCKED(open_app(h, name, out));
}

static ULONG close_app(HAPPLICATION h) {
    app_t *a = h;
    if (!a || a->magic != MAGIC_APP) return SAR_INVALIDHANDLEERR;
    a->magic = 0;
    return SAR_OK;
}
EXPORT ULONG SKF_CloseApplication(HAPPLICATION h) { LOCKED(close_app(h)); }

static ULONG pin_info(HAPPLICATION h, ULONG type, ULONG *max, ULONG *remain, BOOL *dflt) {
    app_t *a = h;
    ULONG rv = check_app(a);
    if (rv) return rv;
    if (type != USER_TYPE) return SAR_USER_TYPE_INVALID;
    long m = read_number(a->path, "pin_max", 6);
    if (max) *max = (ULONG)m;
    if (remain) *remain = (ULONG)read_number(a->path, "pin_remaining", m);
    if (dflt) *dflt = 0;
    return SAR_OK;
}
EXPORT ULONG SKF_GetPINInfo(HAPPLICATION h, ULONG type, ULONG *max, ULONG *remain, BOOL *dflt) {
    LOCKED(pin_info(h, type, max, remain, dflt));
}

static ULONG verify_pin(HAPPLICATION h, ULONG type, LPSTR pin, ULONG *retry) {
    app_t *a = h;
    ULONG rv = check_app(a);
    if (rv) return rv;
    if (type != USER_TYPE) return SAR_USER_TYPE_INVALID;
    if (!pin) return SAR_INVALIDPARAMERR;
    long max = read_number(a->path, "pin_max", 6);
    long left = read_number(a->path, "pin_remaining", max);
    if (left <= 0) {
        if (retry) *retry = 0;
        return SAR_PIN_LOCKED;
    }
    char p[PATH_MAX];
    join(p, sizeof p, a->path, "pin");
    BYTE *want = slurp(p, NULL);
    if (!want) return SAR_READFILEERR;
    size_t wl = strcspn((char *)want, "\r\n");
    int ok = strlen(pin) == wl && memcmp(pin, want, wl) == 0;
    free(want);
    if (ok) {
        write_number(a->path, "pin_remaining", max);
        a->logged_in = 1;
        if (retry) *retry = (ULONG)max;
        return SAR_OK;
    }
    left -= 1;
    write_number(a->path, "pin_remaining", left);
    a->logged_in = 0;
    if (retry) *retry = (ULONG)left;
    return left <= 0 ? SAR_PIN_LOCKED : SAR_PIN_INCORRECT;
}
EXPORT ULONG SKF_VerifyPIN(HAPPLICATION h, ULONG type, LPSTR pin, ULONG *retry) {
    LOCKED(verify_pin(h, type, pin, retry));
}

static ULONG clear_state(HAPPLICATION h) {
    app_t *a = h;
    if (!a || a->magic != MAGIC_APP) return SAR_INVALIDHANDLEERR;
    a->logged_in = 0;
    return SAR_OK;
}
EXPORT ULONG SKF_ClearSecureState(HAPPLICATION h) { LOCKED(clear_state(h)); }

/* --- containers --- */

static ULONG enum_con(HAPPLICATION h, LPSTR list, ULONG *size) {
    app_t *a = h;
    ULONG rv = check_app(a);
    return rv ? rv : list_names(a->path, NULL, list, size);
}
EXPORT ULONG SKF_EnumContainer(HAPPLICATION h, LPSTR list, ULONG *size) {
    LOCKED(enum_con(h, list, size));
}

static ULONG open_con(HAPPLICATION h, LPSTR name, HCONTAINER *out) {
    app_t *a = h;
    ULONG rv = check_app(a);
    if (rv) return rv;
    char p[PATH_MAX];
    if (!out || !name || join(p, sizeof p, a->path, name)) return SAR_INVALIDPARAMERR;
    struct stat st;
    if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) return SAR_FILE_NOT_EXIST;
    con_t *c = calloc(1, sizeof *c);
    if (!c) return SAR_FAIL;
    c->magic = MAGIC_CON;
    c->app = a;
    snprintf(c->path, sizeof c->path, "%s", p);
    *out = c;
    return SAR_OK;
}
EXPORT ULONG SKF_OpenContainer(HAPPLICATION h, LPSTR name, HCONTAINER *out) {
    LOCKED(open_con(h, name, out));
}

static ULONG close_con(HCONTAINER h) {
    con_t *c = h;
    if (!c || c->magic != MAGIC_CON) return SAR_INVALIDHANDLEERR;
    c->magic = 0;
    return SAR_OK;
}
EXPORT ULONG SKF_CloseContainer(HCONTAINER h) { LOCKED(close_con(h)); }

static ULONG con_type(HCONTAINER h, ULONG *type) {
    con_t *c = h;
    ULONG rv = check_con(c);
    if (rv) return rv;
    char p[PATH_MAX];
    join(p, sizeof p, c->path, "sign.pem");
    if (type) *type = exists(p) ? 2 : 0; /* 2: ECC (SM2) */
    return SAR_OK;
}
EXPORT ULONG SKF_GetContainerType(HCONTAINER h, ULONG *type) { LOCKED(con_type(h, type)); }

static ULONG export_cert(HCONTAINER h, BOOL sign, BYTE *out, ULONG *len) {
    con_t *c = h;
    ULONG rv = check_con(c);
    if (rv) return rv;
    if (!len) return SAR_INVALIDPARAMERR;
    char p[PATH_MAX];
    join(p, sizeof p, c->path, sign ? "sign.der" : "enc.der");
    size_t n;
    BYTE *der = slurp(p, &n);
    if (!der) return SAR_CERTNOTFOUNTERR;
    if (!out) { *len = (ULONG)n; free(der); return SAR_OK; }
    if (*len < n) { *len = (ULONG)n; free(der); return SAR_BUFFER_TOO_SMALL; }
    memcpy(out, der, n);
    *len = (ULONG)n;
    free(der);
    return SAR_OK;
}
EXPORT ULONG SKF_ExportCertificate(HCONTAINER h, BOOL sign, BYTE *out, ULONG *len) {
    LOCKED(export_cert(h, sign, out, len));
}

static EVP_PKEY *load_key(const char *conpath) {
    char p[PATH_MAX];
    join(p, sizeof p, conpath, "sign.pem");
    FILE *f = fopen(p, "r");
    if (!f) return NULL;
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    return k;
}

static ULONG export_pub(HCONTAINER h, BOOL sign, BYTE *out, ULONG *len) {
    con_t *c = h;
    ULONG rv = check_con(c);
    if (rv) return rv;
    if (!len) return SAR_INVALIDPARAMERR;
    if (!sign) return SAR_KEYNOTFOUNTERR; /* only the signing pair lives here */
    if (!out) { *len = sizeof(ECCPUBLICKEYBLOB); return SAR_OK; }
    if (*len < sizeof(ECCPUBLICKEYBLOB)) {
        *len = sizeof(ECCPUBLICKEYBLOB);
        return SAR_BUFFER_TOO_SMALL;
    }
    EVP_PKEY *k = load_key(c->path);
    if (!k) return SAR_KEYNOTFOUNTERR;
    BYTE pt[65];
    size_t ptlen = 0;
    int ok = EVP_PKEY_get_octet_string_param(k, "encoded-pub-key", pt, sizeof pt, &ptlen);
    EVP_PKEY_free(k);
    if (!ok || ptlen != 65) return SAR_FAIL;
    ECCPUBLICKEYBLOB blob;
    memset(&blob, 0, sizeof blob);
    blob.BitLen = 256;
    memcpy(blob.XCoordinate + 32, pt + 1, 32);
    memcpy(blob.YCoordinate + 32, pt + 33, 32);
    memcpy(out, &blob, sizeof blob);
    *len = sizeof blob;
    return SAR_OK;
}
EXPORT ULONG SKF_ExportPublicKey(HCONTAINER h, BOOL sign, BYTE *out, ULONG *len) {
    LOCKED(export_pub(h, sign, out, len));
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

/* a slow or hung key: wait outside the lock, as a real one blocks in its USB transfer */
static ULONG behave(const char *devpath) {
    char p[PATH_MAX], v[32];
    join(p, sizeof p, devpath, "behaviour");
    read_field(p, "sign_delay_ms", v, sizeof v);
    long delay = v[0] ? strtol(v, NULL, 10) : 0;
    read_field(p, "hang", v, sizeof v);
    int hang = v[0] == '1';
    if (hang || delay > 0) { /* tells a test the call is under way */
        char m[PATH_MAX];
        join(m, sizeof m, devpath, "signing");
        FILE *f = fopen(m, "w");
        if (f) fclose(f);
    }
    for (long waited = 0; hang || waited < delay; waited += 20) {
        sleep_ms(20);
        if (!device_present(devpath)) return SAR_DEVICE_REMOVED;
    }
    return SAR_OK;
}

static ULONG sign_e(con_t *c, const BYTE *e, ULONG elen, ECCSIGNATUREBLOB *sig) {
    ULONG rv = check_con(c);
    if (rv) return rv;
    if (!c->app->logged_in) return SAR_USER_NOT_LOGGED_IN;
    if (!e || !sig) return SAR_INVALIDPARAMERR;
    if (elen != 32) return SAR_INDATALENERR;
    EVP_PKEY *k = load_key(c->path);
    if (!k) return SAR_KEYNOTFOUNTERR;
    /* OpenSSL's SM2 signature over a given tbs treats it as e itself (no Z, no hashing) */
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(k, NULL);
    BYTE der[80];
    size_t derlen = sizeof der;
    int ok = ctx && EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_sign(ctx, der, &derlen, e, 32) == 1;
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(k);
    if (!ok) return SAR_FAIL;
    const BYTE *q = der;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &q, (long)derlen);
    if (!s) return SAR_FAIL;
    memset(sig, 0, sizeof *sig);
    BN_bn2binpad(ECDSA_SIG_get0_r(s), sig->r + 32, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(s), sig->s + 32, 32);
    ECDSA_SIG_free(s);
    return SAR_OK;
}

EXPORT ULONG SKF_ECCSignData(HCONTAINER h, BYTE *data, ULONG len, ECCSIGNATUREBLOB *sig) {
    con_t *c = h;
    char devpath[PATH_MAX];
    pthread_mutex_lock(&lock);
    ULONG rv = check_con(c);
    if (rv == SAR_OK) snprintf(devpath, sizeof devpath, "%s", c->app->dev->path);
    pthread_mutex_unlock(&lock);
    if (rv) return rv;
    rv = behave(devpath);
    if (rv) return rv;
    LOCKED(sign_e(c, data, len, sig));
}
