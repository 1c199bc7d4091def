/* SPDX-License-Identifier: Apache-2.0 */
/* The Cortex-M4 test firmware (MPS2 AN386 under QEMU, issue 14): one QEMU run
 * is one power-on of the device whose flash and eFuse are DIR/flash.bin and
 * DIR/efuse.bin on the host. The semihosting command line names the actions
 * of this power-on, run in order with the same device library calls as the
 * matching `fwseal-device` commands, so tests/e2e/target_qemu.sh can compare
 * the files the two leave behind byte for byte:
 *
 *   fwtest [--seed FILE] [--align N] DIR ACTION...
 *     boot                      the Secure Boot V2 bootloader (fwseal-device boot)
 *     ota FILE SEED             the running app streams FILE (read through
 *                               semihosting in chunks of 1..4096 bytes drawn
 *                               from SEED) into the OTA pipeline (ota --file)
 *     confirm | rollback        the running app marks itself valid / invalid
 *     nvs-set NS KEY TYPE VAL   TYPE u8 u16 u32 i32 string (nvs set)
 *     nvs-get NS KEY            prints "nvs NS:KEY = VALUE" (nvs get)
 *     nvs-erase NS KEY          (nvs erase NS KEY)
 *     factory-reset             erase the "nvs" partition (factory-reset)
 *     bench-prims               raw mbedTLS primitives (bench/70-target.sh)
 *     hal-rules                 the port's flash and eFuse rules (scratch device only)
 *     verify LABEL              one fwd_ota_verify_partition of LABEL (before any boot)
 *   app actions (ota, confirm, rollback) boot first when nothing runs yet.
 *
 * Output, one line each: "fwtest: ..." results, "fwtest: FAIL ..." for a
 * refusal (with the library's reason), per action "fwtest: insns ACTION N"
 * (SysTick x 40: instructions under -icount shift=0, an386_rt.h) and at the
 * end "fwtest: mem ...". Exit status: 0 every action succeeded, 1 an action
 * was refused (the run stops there), 2 usage, 3 I/O. The flash is saved back
 * to DIR/flash.bin before exiting, whatever happened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/platform.h>

#include "boot/fwb_boot.h"
#include "device/fwd_decrypt.h"
#include "device/fwd_efuse.h"
#include "device/fwd_nvs_part.h"
#include "device/fwd_ota.h"
#include "device/fwd_ota_pipeline.h"
#include "device/port/mps2-an386/an386_platform.h"
#include "device/port/mps2-an386/an386_rt.h"
#include "device/port/mps2-an386/an386_semihost.h"
#include "fw_nvs.h"
#include "fw_otadata.h"
#include "nvs/fw_nvs_store.h"
#include "tests/target/fwtest_bench.h"

#define MAX_ARGS 24

static struct an386_platform g_plat;
static struct fwd_ota_dev g_od;
static struct fwb_result g_res;
static int g_booted;
static const char *g_dir;

/* ---- boot ----------------------------------------------------------------------- */

static const char *state_name(const struct fwb_result *r)
{
    return r->has_state && !r->by_default ? fw_otadata_state_name(r->state) : "none";
}

static int act_boot(void)
{
    if (g_booted) fwd_ota_dev_close(&g_od);
    g_booted = 0;
    memset(&g_res, 0, sizeof g_res);
    int rc = fwd_ota_dev_open(&g_od, &g_plat.plat, 0, NULL);
    if (rc) {
        printf("fwtest: FAIL boot: device open: %s\n", fw_strerror(rc));
        return rc;
    }
    rc = fwb_boot(&g_od, &g_res);
    for (int i = 0; i < g_res.n_attempts; i++)
        if (g_res.attempts[i].reason != FWD_VR_OK)
            printf("fwtest: bootloader skipped %s: %s\n", g_res.attempts[i].label,
                   fwd_verify_reason_str(g_res.attempts[i].reason));
    if (rc) {
        printf("fwtest: FAIL boot: %s\n", rc == FW_ERR_NOT_FOUND ? "no bootable image" : fw_strerror(rc));
        return rc;
    }
    g_booted = 1;
    printf("fwtest: booted %s: version %s, secure_version %u, ota state %s (eFuse secure_version %u)\n",
           g_res.part->label, g_res.app.desc.version, (unsigned)g_res.app.desc.secure_version, state_name(&g_res),
           fwd_efuse_secure_version(&g_od.efuse));
    return FW_OK;
}

static int need_running(void)
{
    return g_booted ? FW_OK : act_boot();
}

/* ---- OTA ------------------------------------------------------------------------ */

static uint32_t xorshift(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9E3779B9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* The device secret, as fwseal-device keeps it (dev_secret.h): the RSA key
 * file of the device directory stands in for the product's protected store. */
static int load_secret(struct fwd_decrypt_key *k)
{
    static uint8_t pem[8192];
    char path[192];
    fwd_decrypt_key_init(k);
    snprintf(path, sizeof path, "%s/secret_decrypt_rsa.pem", g_dir);
    int fd = sh_open(path, SH_MODE_RB);
    if (fd < 0) return FW_ERR_NOT_FOUND;
    long n = sh_read(fd, pem, sizeof pem - 1);
    sh_close(fd);
    if (n <= 0) return FW_ERR_KEY;
    pem[n] = 0;
    int rc = fwd_decrypt_key_load_rsa(k, pem, (size_t)n + 1);
    memset(pem, 0, sizeof pem);
    return rc;
}

static int act_ota(const char *file, uint32_t seed)
{
    static struct fwd_ota_pipeline p;
    static struct fwd_decrypt_key key;
    static uint8_t buf[4096];
    int rc = need_running();
    if (rc) return rc;
    int fd = sh_open(file, SH_MODE_RB);
    if (fd < 0) {
        printf("fwtest: FAIL ota: %s: cannot open\n", file);
        return FW_ERR_IO;
    }
    long size = sh_flen(fd);
    int krc = load_secret(&key);
    if (krc != FW_OK && krc != FW_ERR_NOT_FOUND) {
        sh_close(fd);
        printf("fwtest: FAIL ota: the device decryption secret is invalid\n");
        return FW_ERR_IO;
    }
    struct fwd_ota_pipeline_cfg pc = {
        .dev = &g_od, .key = krc == FW_OK ? &key : NULL, .allow_plaintext = 1,
        .size_hint = size > 0 ? (uint64_t)size : 0,
    };
    rc = fwd_ota_pipeline_start(&p, &pc);
    unsigned chunks = 0, smallest = sizeof buf, largest = 0;
    while (rc == FW_OK) {
        size_t want = 1 + xorshift(&seed) % sizeof buf;
        long n = sh_read(fd, buf, want);
        if (n < 0) {
            rc = fwd_ota_pipeline_abort(&p, FW_ERR_IO, "read error on the input");
            break;
        }
        if (n > 0) {
            chunks++;
            if ((unsigned)n < smallest) smallest = (unsigned)n;
            if ((unsigned)n > largest) largest = (unsigned)n;
            rc = fwd_ota_pipeline_feed(&p, buf, (size_t)n);
        }
        if (rc == FW_OK && (size_t)n < want) {
            rc = fwd_ota_pipeline_finish(&p);
            break;
        }
    }
    sh_close(fd);
    fwd_decrypt_key_free(&key);
    printf("fwtest: ota input %ld bytes in %u chunks of %u..%u bytes\n", size, chunks, smallest, largest);
    if (rc) {
        printf("fwtest: FAIL ota: %s\n", fwd_ota_pipeline_reason(&p));
        return rc;
    }
    char num[21];
    printf("fwtest: ota %s bytes into %s, verified (%s, secure_version %u); next boot: %s (NEW)\n",
           an386_u64(p.written, num), p.part->label, p.app.desc.version, (unsigned)p.app.desc.secure_version,
           p.part->label);
    return FW_OK;
}

/* ---- one verification (bench/70-target.sh) ---------------------------------------- */

/* fwd_ota_verify_partition once on LABEL: the library's full image check
 * (structure, SHA-256 through flash decryption, Secure Boot V2 signature). */
static int act_verify(const char *label)
{
    int rc = fwd_ota_dev_open(&g_od, &g_plat.plat, 0, NULL);
    if (rc) return rc;
    const struct fwd_part *part = fwd_ota_find(&g_od, label);
    uint64_t t0 = an386_ticks();
    rc = part ? fwd_ota_verify_partition(&g_od, part, NULL) : FW_ERR_NOT_FOUND;
    char num[21];
    printf("fwtest: verify %s: %s, insns %s\n", label, fw_strerror(rc),
           an386_u64((an386_ticks() - t0) * AN386_NS_PER_TICK, num));
    fwd_ota_dev_close(&g_od);
    return rc;
}

/* ---- confirm / rollback ----------------------------------------------------------- */

static int act_mark(int valid)
{
    int rc = need_running();
    if (rc) return rc;
    const char *label = g_od.running->label;
    rc = valid ? fwd_ota_mark_app_valid(&g_od) : fwd_ota_mark_app_invalid(&g_od);
    if (rc) {
        printf("fwtest: FAIL %s: %s\n", valid ? "confirm" : "rollback", fw_strerror(rc));
        return rc;
    }
    if (valid)
        printf("fwtest: confirmed %s (VALID), eFuse secure_version %u\n", label, fwd_efuse_secure_version(&g_od.efuse));
    else
        printf("fwtest: %s marked INVALID\n", label);
    return FW_OK;
}

/* ---- NVS ---------------------------------------------------------------------------- */

static struct fwd_dev g_nvsdev;
static struct fwd_nvs_dev g_nv;

/* As fwseal-device nvs: the table is read, the NVS partitions may be
 * re-programmed (NOR), the store mounted. */
static int nvs_open(int readonly)
{
    int rc = fwd_dev_open(&g_nvsdev, &g_plat.plat, 0);
    if (rc) return rc;
    for (size_t i = 0; i < g_nvsdev.nparts; i++) {
        const struct fwd_part *p = &g_nvsdev.parts[i];
        if (p->type == FWD_PT_DATA && p->subtype == FWD_PST_DATA_NVS &&
            an386_flash_allow_reprogram(&g_plat, p->offset, p->size))
            break;
    }
    rc = fwd_nvs_dev_open(&g_nv, &g_nvsdev, "nvs", readonly);
    if (rc) {
        printf("fwtest: FAIL nvs: %s\n", g_nv.nvs.store.fail.why ? g_nv.nvs.store.fail.why : fw_strerror(rc));
        fwd_dev_close(&g_nvsdev);
    }
    return rc;
}

static void nvs_close(void)
{
    fwd_nvs_dev_close(&g_nv);
    fwd_dev_close(&g_nvsdev);
}

static int act_nvs_set(const char *ns, const char *key, const char *type, const char *val)
{
    int t = fw_nvs_type_from_name(type);
    if (t < 0) return FW_ERR_INVALID_ARG;
    int rc = nvs_open(0);
    if (rc) return rc;
    struct fw_nvs_handle h;
    rc = fw_nvs_open(&g_nv.nvs.store, ns, 1, &h);
    if (!rc) rc = t == FW_NVS_SZ ? fw_nvs_set_str(&h, key, val)
                                 : fw_nvs_set_int(&h, key, (uint8_t)t, (uint64_t)strtoll(val, NULL, 0));
    if (rc) printf("fwtest: FAIL nvs-set %s:%s: %s\n", ns, key, fw_strerror(rc));
    else printf("fwtest: nvs set %s:%s\n", ns, key);
    nvs_close();
    return rc;
}

static int act_nvs_get(const char *ns, const char *key)
{
    int rc = nvs_open(1);
    if (rc) return rc;
    struct fw_nvs_handle h;
    struct fw_nvs_info in;
    rc = fw_nvs_open(&g_nv.nvs.store, ns, 0, &h);
    if (!rc) rc = fw_nvs_find(&h, key, &in);
    if (!rc && in.type == FW_NVS_SZ) {
        char s[256];
        size_t n = sizeof s;
        rc = fw_nvs_get_str(&h, key, s, &n);
        if (!rc) printf("fwtest: nvs %s:%s = %s\n", ns, key, s);
    } else if (!rc) {
        uint64_t v;
        rc = fw_nvs_get_int(&h, key, in.type, &v);
        char num[22];
        unsigned bits = 8u * (in.type & 0x0Fu);         /* size in the low nibble, signed: 0x1N */
        if ((in.type & 0x10) && bits < 64 && (v >> (bits - 1) & 1)) v |= ~(uint64_t)0 << bits;
        int neg = (in.type & 0x10) && (int64_t)v < 0;
        an386_u64(neg ? (uint64_t)0 - v : v, num + 1);
        num[0] = '-';
        if (!rc) printf("fwtest: nvs %s:%s = %s\n", ns, key, neg ? num : num + 1);
    }
    if (rc) printf("fwtest: FAIL nvs-get %s:%s: %s\n", ns, key, rc == FW_ERR_NOT_FOUND ? "not found" : fw_strerror(rc));
    nvs_close();
    return rc;
}

static int act_nvs_erase(const char *ns, const char *key)
{
    int rc = nvs_open(0);
    if (rc) return rc;
    struct fw_nvs_handle h;
    rc = fw_nvs_open(&g_nv.nvs.store, ns, 1, &h);
    if (!rc) rc = fw_nvs_erase_key(&h, key);
    if (!rc) rc = fw_nvs_commit(&h);
    if (rc) printf("fwtest: FAIL nvs-erase %s:%s: %s\n", ns, key, fw_strerror(rc));
    else printf("fwtest: nvs erased %s:%s\n", ns, key);
    nvs_close();
    return rc;
}

static int act_factory_reset(void)
{
    int rc = fwd_dev_open(&g_nvsdev, &g_plat.plat, 0);
    if (!rc) rc = fwd_nvs_dev_erase(&g_nvsdev, "nvs");
    fwd_dev_close(&g_nvsdev);
    if (rc) printf("fwtest: FAIL factory-reset: %s\n", fw_strerror(rc));
    else printf("fwtest: erased NVS partition nvs\n");
    return rc;
}

/* ---- the port's HAL rules (the simulator's: device/port/sim/fwd_sim.h) ---------------- */

/* In the last sector of the flash: erase -> 0xFF; program clears bits; a
 * second program of a programmed byte is refused outside a re-program
 * window (strict) and allowed inside one only when it clears bits; write
 * and erase alignment; an eFuse burn only adds bits. The driver callbacks
 * are called directly: these are the port's own rules, not the library's
 * checked wrappers (device/fwd_flash.c) in front of them. */
static int check(const char *what, int got, int want)
{
    printf("fwtest: hal %s: %s (%s)\n", what, got == want ? "ok" : "WRONG", fw_strerror(got));
    return got == want ? 0 : 1;
}

static int act_hal_rules(void)
{
    const struct fwd_flash *f = &g_plat.plat.flash;
    uint32_t sec = f->size - f->sector_size;
    uint8_t b[8], r[8];
    int bad = check("erase of the last sector", f->erase(f->ctx, sec, f->sector_size), FW_OK);
    bad |= check("erased bytes read 0xFF", f->read(f->ctx, sec, r, 8) || r[0] != 0xFF || r[7] != 0xFF, 0);
    memset(b, 0xA5, sizeof b);
    bad |= check("program erased bytes", f->write(f->ctx, sec, b, 8), FW_OK);
    bad |= check("read back", f->read(f->ctx, sec, r, 8) || memcmp(r, b, 8), 0);
    memset(b, 0x21, sizeof b);   /* clears more bits of 0xA5 */
    bad |= check("re-program outside a window refused", f->write(f->ctx, sec, b, 8), FW_ERR_NOT_ERASED);
    bad |= check("unaligned program refused", f->write(f->ctx, sec + 9, b, 4), FW_ERR_ALIGN);
    bad |= check("unaligned erase refused", f->erase(f->ctx, sec - 512, f->sector_size), FW_ERR_ALIGN);
    bad |= check("program beyond the end refused", f->write(f->ctx, f->size - 4, b, 8), FW_ERR_INVALID_ARG);
    bad |= check("open a re-program window", an386_flash_allow_reprogram(&g_plat, sec, f->sector_size), FW_OK);
    bad |= check("re-program clearing bits allowed", f->write(f->ctx, sec, b, 8), FW_OK);
    bad |= check("read back the AND of both", f->read(f->ctx, sec, r, 8) || r[0] != (0xA5 & 0x21), 0);
    memset(b, 0xFF, sizeof b);
    bad |= check("re-program setting bits refused", f->write(f->ctx, sec, b, 8), FW_ERR_NOT_ERASED);
    bad |= check("erase of the last sector again", f->erase(f->ctx, sec, f->sector_size), FW_OK);

    struct fwd_efuse_state st, req;
    int rc = g_plat.plat.efuse.load(g_plat.plat.efuse.ctx, &st);
    req = st;
    req.secure_version_bits = 0;          /* asks for fewer bits: nothing is cleared */
    if (!rc) rc = g_plat.plat.efuse.burn(g_plat.plat.efuse.ctx, &req);
    struct fwd_efuse_state after;
    if (!rc) rc = g_plat.plat.efuse.load(g_plat.plat.efuse.ctx, &after);
    bad |= check("an eFuse burn never clears a bit", rc || after.secure_version_bits != st.secure_version_bits, 0);
    memset(&st, 0, sizeof st);
    memset(&req, 0, sizeof req);
    return bad ? FW_ERR_STATE : FW_OK;
}

/* ---- command line ------------------------------------------------------------------- */

static int split(char *line, char **argv, int max)
{
    int n = 0;
    for (char *t = strtok(line, " "); t && n < max; t = strtok(NULL, " ")) argv[n++] = t;
    return n;
}

/* Runs argv[i..]; returns the first failing action's code. */
static int run_actions(char **argv, int argc, int i)
{
    while (i < argc) {
        const char *a = argv[i++];
        int left = argc - i, rc;
        uint64_t t0 = an386_ticks();
        if (!strcmp(a, "boot")) rc = act_boot();
        else if (!strcmp(a, "ota") && left >= 2) { rc = act_ota(argv[i], (uint32_t)strtoul(argv[i + 1], NULL, 0)); i += 2; }
        else if (!strcmp(a, "confirm")) rc = act_mark(1);
        else if (!strcmp(a, "rollback")) rc = act_mark(0);
        else if (!strcmp(a, "nvs-set") && left >= 4) { rc = act_nvs_set(argv[i], argv[i + 1], argv[i + 2], argv[i + 3]); i += 4; }
        else if (!strcmp(a, "nvs-get") && left >= 2) { rc = act_nvs_get(argv[i], argv[i + 1]); i += 2; }
        else if (!strcmp(a, "nvs-erase") && left >= 2) { rc = act_nvs_erase(argv[i], argv[i + 1]); i += 2; }
        else if (!strcmp(a, "factory-reset")) rc = act_factory_reset();
        else if (!strcmp(a, "bench-prims")) rc = fwtest_bench_prims(&g_plat.plat);
        else if (!strcmp(a, "hal-rules")) rc = act_hal_rules();
        else if (!strcmp(a, "verify") && left >= 1 && !g_booted) rc = act_verify(argv[i++]);
        else {
            printf("fwtest: usage: unknown action or missing arguments: %s\n", a);
            return FW_ERR_INVALID_ARG;
        }
        char num[21];
        printf("fwtest: insns %s %s\n", a, an386_u64((an386_ticks() - t0) * AN386_NS_PER_TICK, num));
        if (rc) return rc;
    }
    return FW_OK;
}

int main(void)
{
    static char line[1024];
    char *argv[MAX_ARGS];
    if (sh_cmdline(line, sizeof line)) {
        sh_puts("fwtest: no semihosting command line\n");
        return 2;
    }
    int argc = split(line, argv, MAX_ARGS), i = 1;
    struct an386_entropy ent = { NULL };
    uint32_t align = 4;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "--seed")) ent.seed_file = argv[i + 1];
        else if (!strcmp(argv[i], "--align")) align = (uint32_t)strtoul(argv[i + 1], NULL, 0);
        else break;
    }
    if (i >= argc) {
        printf("fwtest: usage: fwtest [--seed FILE] [--align N] DIR ACTION...\n");
        return 2;
    }
    g_dir = argv[i++];
    int rc = an386_open(&g_plat, g_dir, align);
    if (rc == FW_OK) rc = an386_attach_random(&g_plat, &ent);
    if (rc) {
        printf("fwtest: %s: cannot load flash.bin / efuse.bin: %s\n", g_dir, fw_strerror(rc));
        return 3;
    }
    printf("fwtest: power on: %s, flash %u bytes\n", g_dir, (unsigned)g_plat.flash.size);
    rc = run_actions(argv, argc, i);
    if (g_booted) fwd_ota_dev_close(&g_od);
    int src = an386_save(&g_plat);
    struct an386_mem m;
    an386_mem(&m);
    printf("fwtest: mem static %u heap_peak %u heap_live_peak %u stack_peak %u stack_size %u\n", (unsigned)m.static_ram,
           (unsigned)m.heap_peak, (unsigned)m.heap_live_peak, (unsigned)m.stack_peak, (unsigned)m.stack_size);
    an386_close(&g_plat);
    fflush(stdout);
    if (src) {
        printf("fwtest: saving flash.bin failed\n");
        return 3;
    }
    return rc == FW_OK ? 0 : rc == FW_ERR_INVALID_ARG ? 2 : rc == FW_ERR_IO ? 3 : 1;
}
