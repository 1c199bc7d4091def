/* SPDX-License-Identifier: Apache-2.0 */
/* Polled CMSDK APB UART0 (an386_uart.h). */
#include "device/port/mps2-an386/an386_uart.h"

#include "device/port/mps2-an386/an386_rt.h"

#define UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t *)(UART0_BASE + 0x00u))
#define UART_STATE (*(volatile uint32_t *)(UART0_BASE + 0x04u))
#define UART_CTRL (*(volatile uint32_t *)(UART0_BASE + 0x08u))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART0_BASE + 0x10u))
#define STATE_TX_FULL (1u << 0)
#define STATE_RX_FULL (1u << 1)
#define CTRL_TX_EN (1u << 0)
#define CTRL_RX_EN (1u << 1)

static long uart_recv(void *ctx, uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    (void)ctx;
    uint64_t deadline = an386_now_ms() + timeout_ms;
    size_t got = 0;
    while (got < n) {
        if (UART_STATE & STATE_RX_FULL) {
            buf[got++] = (uint8_t)UART_DATA;
            continue;
        }
        if (got) break;                          /* return what arrived */
        if (an386_now_ms() >= deadline) return FW_ERR_TIMEOUT;
    }
    return (long)got;
}

static long uart_send(void *ctx, const uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    (void)ctx;
    uint64_t deadline = an386_now_ms() + timeout_ms;
    for (size_t i = 0; i < n; i++) {
        while (UART_STATE & STATE_TX_FULL)
            if (an386_now_ms() >= deadline) return FW_ERR_TIMEOUT;
        UART_DATA = buf[i];
    }
    return (long)n;
}

void an386_uart_stream(struct fwd_stream *out)
{
    UART_BAUDDIV = 16;                           /* the smallest valid divider */
    UART_CTRL = CTRL_TX_EN | CTRL_RX_EN;
    out->recv = uart_recv;
    out->send = uart_send;
    out->ctx = NULL;
}
