/* SPDX-License-Identifier: Apache-2.0 */
/* Reset, vector table, SysTick, newlib system calls, counting heap, stack
 * painting for the MPS2 AN386 port. */
#include "device/port/mps2-an386/an386_rt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/port/mps2-an386/an386_semihost.h"

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern uint32_t __stack_bottom[], __stack_top[];
extern uint8_t __heap_start[], __heap_limit[];
extern int main(void);
extern void __libc_init_array(void);

#define PAINT 0xC5AC5AC5u

/* ---- SysTick ------------------------------------------------------------------ */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define TICKS_PER_MS (AN386_SYSCLK_HZ / 1000u)

static volatile uint64_t g_ms;

void an386_systick(void)
{
    g_ms++;
}

#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define ICSR_PENDSTSET (1u << 26)

/* g_ms is 64-bit: two loads on this CPU, so read until the interrupt did
 * not run in between. */
static uint64_t ms_now(void)
{
    uint64_t ms;
    do ms = g_ms;
    while (ms != g_ms);
    return ms;
}

/* The counter may have wrapped with its interrupt still pending (taken at
 * the next instruction boundary the emulator checks): then the count just
 * restarted from the top and the millisecond is not in g_ms yet. */
uint64_t an386_ticks(void)
{
    uint64_t ms;
    uint32_t v, pending;
    do {
        ms = ms_now();
        v = SYST_CVR;
        pending = SCB_ICSR & ICSR_PENDSTSET;
    } while (ms != ms_now());
    if (pending && v > TICKS_PER_MS / 2u) ms++;
    return ms * TICKS_PER_MS + (TICKS_PER_MS - 1u - v);
}

uint64_t an386_now_ms(void)
{
    return ms_now();
}

char *an386_u64(uint64_t v, char buf[21])
{
    char tmp[21];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    buf[n] = 0;
    return buf;
}

/* DIV_0_TRP: an integer division by zero faults (reported, run ends)
 * instead of quietly giving 0. UNALIGN_TRP stays off: newlib's memcpy for
 * Armv7E-M uses the unaligned LDR/LDRH the Cortex-M4 allows. */
#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define CCR_DIV_0_TRP (1u << 4)

static void systick_start(void)
{
    SYST_RVR = TICKS_PER_MS - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* processor clock, interrupt, enable */
}

/* ---- faults ------------------------------------------------------------------- */
static void hex32(char *out, uint32_t v)
{
    for (int i = 0; i < 8; i++) out[i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xFu];
    out[8] = 0;
}

/* Called with the exception stack frame: names the faulting instruction
 * (stacked PC) and the fault status (CFSR), then ends the run (status 70). */
__attribute__((used)) static void fault_report(const uint32_t *frame)
{
    char pc[9], cfsr[9];
    hex32(pc, frame[6]);
    hex32(cfsr, *(volatile uint32_t *)0xE000ED28u);
    sh_puts("an386: fault at pc 0x");
    sh_puts(pc);
    sh_puts(", CFSR 0x");
    sh_puts(cfsr);
    sh_puts("\n");
    sh_exit(70);
}

__attribute__((naked)) static void fault(void)
{
    __asm__ volatile("tst lr, #4\n"
                     "ite eq\n"
                     "mrseq r0, msp\n"
                     "mrsne r0, psp\n"
                     "b fault_report\n");
}

/* ---- reset -------------------------------------------------------------------- */
static void paint_stack(void)
{
    uint32_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (uint32_t *p = __stack_bottom; (uint32_t)(uintptr_t)p < sp - 64u; p++) *p = PAINT;
}

__attribute__((noreturn)) void an386_reset(void)
{
    memcpy(__data_start, __data_load, (size_t)((uint8_t *)__data_end - (uint8_t *)__data_start));
    memset(__bss_start, 0, (size_t)((uint8_t *)__bss_end - (uint8_t *)__bss_start));
    paint_stack();
    SCB_CCR |= CCR_DIV_0_TRP;
    systick_start();
    __libc_init_array();
    sh_exit(main());
}

typedef void (*vector_fn)(void);
__attribute__((section(".vectors"), used)) static const vector_fn vectors[16] = {
    (vector_fn)(uintptr_t)__stack_top, an386_reset, fault, fault, fault, fault, fault,
    0, 0, 0, 0, fault /* SVC */, fault /* DebugMon */, 0, fault /* PendSV */, an386_systick,
};

/* ---- heap: sbrk high-water mark + a counting allocator ------------------------ */
static uint8_t *g_brk = __heap_start, *g_brk_peak = __heap_start;
static size_t g_live, g_live_peak;

void *_sbrk(ptrdiff_t inc)
{
    uint8_t *old = g_brk;
    if (inc > 0 && (size_t)inc > (size_t)(__heap_limit - g_brk)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    g_brk += inc;
    if (g_brk > g_brk_peak) g_brk_peak = g_brk;
    return old;
}

/* 8-byte header holding the request size (keeps 8-byte alignment). */
void *an386_calloc(size_t n, size_t size)
{
    if (size && n > (SIZE_MAX - 8) / size) return NULL;
    size_t want = n * size;
    uint8_t *p = calloc(1, want + 8);
    if (!p) return NULL;
    memcpy(p, &want, sizeof want);
    g_live += want;
    if (g_live > g_live_peak) g_live_peak = g_live;
    return p + 8;
}

void an386_free(void *q)
{
    if (!q) return;
    uint8_t *p = (uint8_t *)q - 8;
    size_t want;
    memcpy(&want, p, sizeof want);
    g_live -= want;
    free(p);
}

void an386_mem(struct an386_mem *m)
{
    const uint32_t *p = __stack_bottom;
    while (p < __stack_top && *p == PAINT) p++;
    m->stack_size = (uint32_t)((uint8_t *)__stack_top - (uint8_t *)__stack_bottom);
    m->stack_peak = (uint32_t)((uint8_t *)__stack_top - (const uint8_t *)p);
    m->static_ram = (uint32_t)(((uint8_t *)__data_end - (uint8_t *)__data_start) +
                               ((uint8_t *)__bss_end - (uint8_t *)__bss_start));
    m->heap_peak = (uint32_t)(g_brk_peak - __heap_start);
    m->heap_live_peak = (uint32_t)g_live_peak;
    m->heap_live = (uint32_t)g_live;
}

void an386_mem_reset_peaks(void)
{
    paint_stack();
    g_brk_peak = g_brk;
    g_live_peak = g_live;
}

/* ---- newlib system calls: console through semihosting, no files ---------------- */
int _write(int fd, const char *buf, int len)
{
    (void)fd;
    sh_console_write(buf, (size_t)len);
    return len;
}
int _read(int fd, char *buf, int len) { (void)fd; (void)buf; (void)len; return 0; }
int _close(int fd) { (void)fd; return -1; }
int _lseek(int fd, int off, int whence) { (void)fd; (void)off; (void)whence; return 0; }
int _isatty(int fd) { (void)fd; return 1; }
int _fstat(int fd, struct stat *st) { (void)fd; memset(st, 0, sizeof *st); st->st_mode = S_IFCHR; return 0; }
int _getpid(void) { return 1; }
int _kill(int pid, int sig) { (void)pid; (void)sig; errno = EINVAL; return -1; }
__attribute__((noreturn)) void _exit(int status) { sh_exit(status); }
/* __libc_init_array calls these (crti/crtn are not linked: -nostartfiles). */
void _init(void) {}
void _fini(void) {}
