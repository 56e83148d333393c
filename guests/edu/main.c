// SPDX-License-Identifier: GPL-2.0
/*
 * vtd-edu: a bare-metal guest that uses the VT-d unit the way a driver's
 * init and a device's DMA and interrupts would, through QEMU's "edu" PCI
 * device (a DMA engine and an MSI source), the I/O APIC and the PIT.
 * It runs nested in the test VM under QEMU (scripts/nested.sh), with the
 * unit in the kernel (x-kvm-vtd=on) or in QEMU (the control), and prints
 * one console line per check:
 *
 *   VTD-EDU: ok <name> | VTD-EDU: not ok <name>: <detail> | VTD-EDU: done
 *
 * Legacy mode, 3-level second-stage tables (aw-bits 39), queued
 * invalidation, interrupt remapping in xAPIC mode.  Paging stays off: every
 * address it touches is below 4 GiB.  With "migrate" on the command line
 * it stops half-way, says "VTD-EDU: migrate" and waits for a byte on the
 * serial port; the runner migrates the VM meanwhile and the second half
 * checks that the unit's state came along.
 */
#include <stdint.h>

#define NULL ((void *)0)

/* --- port and MMIO access ------------------------------------------------ */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t rd32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void wr32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

/*
 * 64-bit registers as two aligned 4-byte accesses, low then high, as a
 * 32-bit driver's lo_hi_readq()/lo_hi_writeq() do (KVM cannot emulate a
 * protected-mode 8-byte MMIO access: only GPR moves are decoded).
 */
static inline uint64_t rd64(uintptr_t a)
{
	uint32_t lo = rd32(a);

	return lo | (uint64_t)rd32(a + 4) << 32;
}

static inline void wr64(uintptr_t a, uint64_t v)
{
	wr32(a, (uint32_t)v);
	wr32(a + 4, (uint32_t)(v >> 32));
}

/* --- console ------------------------------------------------------------- */

#define COM1 0x3f8

static void putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, c);
}

static void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void puthex(uint64_t v)
{
	int i, started = 0;

	puts("0x");
	for (i = 60; i >= 0; i -= 4) {
		unsigned int d = (v >> i) & 0xf;

		if (d || started || !i) {
			putc("0123456789abcdef"[d]);
			started = 1;
		}
	}
}

static int failures;

static void check(int cond, const char *name, const char *what, uint64_t val)
{
	puts(cond ? "VTD-EDU: ok " : "VTD-EDU: not ok ");
	puts(name);
	if (!cond) {
		failures++;
		puts(": ");
		puts(what);
		puts(" ");
		puthex(val);
	}
	puts("\n");
}

static void serial_wait_byte(void)
{
	while (!(inb(COM1 + 5) & 0x01))
		__asm__ volatile("pause");
	inb(COM1);
}

/* --- interrupts ---------------------------------------------------------- */

#define LAPIC		0xfee00000u
#define LAPIC_ID	0x20
#define LAPIC_EOI	0xb0
#define LAPIC_SVR	0xf0

static volatile uint32_t irq_count[256];

void irq_entry(uint32_t vec);
void irq_entry(uint32_t vec)
{
	if (vec < 32) {
		puts("VTD-EDU: not ok exception ");
		puthex(vec);
		puts("\nVTD-EDU: done\n");
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	irq_count[vec]++;
	if (vec != 0xff)
		wr32(LAPIC + LAPIC_EOI, 0);
}

static void delay_loops(uint32_t n)
{
	while (n--)
		__asm__ volatile("pause");
}

/* Wait up to ~n polls for *p to reach want. */
static int wait_count(volatile uint32_t *p, uint32_t want, uint32_t n)
{
	while (*p < want && n--) {
		__asm__ volatile("sti; pause; cli");
	}
	return *p >= want;
}

/* --- PCI ----------------------------------------------------------------- */

static uint32_t pci_rd(uint32_t bdf, uint32_t off)
{
	outl(0xcf8, 0x80000000u | bdf << 8 | (off & 0xfc));
	return inl(0xcfc);
}

static void pci_wr(uint32_t bdf, uint32_t off, uint32_t v)
{
	outl(0xcf8, 0x80000000u | bdf << 8 | (off & 0xfc));
	outl(0xcfc, v);
}

static uint32_t pci_find(uint32_t id)
{
	uint32_t devfn;

	for (devfn = 0; devfn < 256; devfn++)
		if (pci_rd(devfn, 0) == id)
			return devfn;
	return 0xffffffffu;
}

static uint32_t pci_find_cap(uint32_t bdf, uint8_t cap)
{
	uint32_t p = pci_rd(bdf, 0x34) & 0xff;

	while (p) {
		uint32_t v = pci_rd(bdf, p);

		if ((v & 0xff) == cap)
			return p;
		p = (v >> 8) & 0xff;
	}
	return 0;
}

/* --- the VT-d unit ------------------------------------------------------- */

#define VTD		0xfed90000u
#define VTD_VER		0x00
#define VTD_CAP		0x08
#define VTD_ECAP	0x10
#define VTD_GCMD	0x18
#define VTD_GSTS	0x1c
#define VTD_RTADDR	0x20
#define VTD_FSTS	0x34
#define VTD_FECTL	0x38
#define VTD_FEDATA	0x3c
#define VTD_FEADDR	0x40
#define VTD_IQH		0x80
#define VTD_IQT		0x88
#define VTD_IQA		0x90
#define VTD_ICS		0x9c
#define VTD_IRTA	0xb8

#define GCMD_TE		(1u << 31)
#define GCMD_SRTP	(1u << 30)
#define GCMD_QIE	(1u << 26)
#define GCMD_IRE	(1u << 25)
#define GCMD_SIRTP	(1u << 24)
/* GSTS bits that are persistent commands, to be preserved in GCMD writes. */
#define GSTS_KEEP	(GCMD_TE | GCMD_QIE | GCMD_IRE | (1u << 23))

#define FSTS_PPF	(1u << 1)

#define ALIGNED		__attribute__((aligned(4096)))

static uint64_t root_table[512] ALIGNED;
static uint64_t ctx_table[512] ALIGNED;
static uint64_t sl3[512] ALIGNED, sl2[512] ALIGNED, sl1[512] ALIGNED;
static uint64_t queue[512] ALIGNED;		/* 256 128-bit descriptors */
static volatile uint32_t qstatus[1024] ALIGNED;
static uint64_t irt[512] ALIGNED;		/* 256 128-bit IRTEs */
static uint8_t src_buf[4096] ALIGNED, dst_buf[4096] ALIGNED;
static uint32_t qtail;

static uint32_t gcmd_set(uint32_t bit, uint32_t status_bit, int on)
{
	uint32_t v = rd32(VTD + VTD_GSTS) & GSTS_KEEP;
	uint32_t i;

	v = on ? v | bit : v & ~bit;
	wr32(VTD + VTD_GCMD, v);
	for (i = 0; i < 1000000; i++)
		if (!!(rd32(VTD + VTD_GSTS) & status_bit) == !!on)
			return 1;
	return 0;
}

/* One-shot commands (SRTP, SIRTP): set, then wait for the status bit. */
static int gcmd_oneshot(uint32_t bit)
{
	uint32_t v = rd32(VTD + VTD_GSTS) & GSTS_KEEP;
	uint32_t i;

	wr32(VTD + VTD_GCMD, v | bit);
	for (i = 0; i < 1000000; i++)
		if (rd32(VTD + VTD_GSTS) & bit)
			return 1;
	return 0;
}

static uint32_t fro(void)
{
	return ((rd64(VTD + VTD_CAP) >> 24) & 0x3ff) * 16;
}

/* Submit descriptors and a wait; 1 when the wait's status write landed. */
static int qi_submit(const uint64_t *desc, int n)
{
	static uint32_t seq;
	uint32_t i;
	int k;

	for (k = 0; k < n; k++) {
		queue[qtail * 2] = desc[2 * k];
		queue[qtail * 2 + 1] = desc[2 * k + 1];
		qtail = (qtail + 1) % 256;
	}
	seq++;
	/* Wait: SW (status write), status data in 63:32, address in hi. */
	queue[qtail * 2] = 0x5 | 1u << 5 | (uint64_t)seq << 32;
	queue[qtail * 2 + 1] = (uintptr_t)&qstatus[0];
	qtail = (qtail + 1) % 256;
	wr64(VTD + VTD_IQT, (uint64_t)qtail << 4);
	for (i = 0; i < 1000000; i++)
		if (qstatus[0] == seq)
			return 1;
	return 0;
}

static int qi_global_flush(void)
{
	const uint64_t d[] = {
		0x1 | 1u << 4, 0,			/* context cache, global */
		0x2 | 1u << 4 | 3u << 6, 0,		/* IOTLB, global, drain */
	};

	return qi_submit(d, 2);
}

static int qi_iec_global(void)
{
	const uint64_t d[] = { 0x4, 0 };		/* IEC, global */

	return qi_submit(d, 1);
}

/* --- the edu device ------------------------------------------------------ */

#define EDU_ID		0x11e81234u
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_BUF	0x40000u
/* edu's buffer is 4 KiB but its range check refuses a transfer that ends at
 * its last byte: move half a page. */
#define DMA_LEN		2048
#define DMA_START	1
#define DMA_TO_RAM	2

static uintptr_t edu;

/* One DMA; 1 when the device says it finished. */
static int edu_dma(uint64_t ram, int to_ram, uint32_t len)
{
	uint32_t i;

	wr64(edu + EDU_DMA_SRC, to_ram ? EDU_DMA_BUF : ram);
	wr64(edu + EDU_DMA_DST, to_ram ? ram : EDU_DMA_BUF);
	wr64(edu + EDU_DMA_CNT, len);
	wr64(edu + EDU_DMA_CMD, DMA_START | (to_ram ? DMA_TO_RAM : 0));
	/* edu runs the transfer from a 100 ms timer. */
	for (i = 0; i < 200000000; i++)
		if (!(rd64(edu + EDU_DMA_CMD) & DMA_START))
			return 1;
	return 0;
}

/* --- the checks ---------------------------------------------------------- */

#define IOVA_SRC	0x00200000u
#define IOVA_DST	0x00201000u
#define IOVA_UNMAPPED	0x00300000u
#define VEC_FAULT	0x40
#define VEC_EDU		0x50
#define VEC_TIMER	0x51
#define IDX_EDU		5
#define IDX_TIMER	6
#define IDX_ABSENT	9
#define IOAPIC		0xfec00000u
#define IOAPIC_SID	0xff00u		/* q35: the DMAR table's I/O APIC scope */

static uint32_t edu_bdf, apic_id;

static void irte_set(int idx, uint8_t vec, uint16_t sid)
{
	/* P, fixed, physical, edge; destination in 15:8 of DST (xAPIC). */
	irt[idx * 2] = 1 | (uint64_t)vec << 16 | (uint64_t)apic_id << 40;
	/* SVT 1: verify SID with SQ 0 (all 16 bits). */
	irt[idx * 2 + 1] = sid | 1ull << 18;
}

/* A remappable-format MSI address for interrupt index idx. */
static uint32_t msi_remappable(uint32_t idx)
{
	return 0xfee00000u | (idx & 0x7fff) << 5 | 1u << 4 | ((idx >> 15) & 1) << 2;
}

/* edu's MSI: enabled, pointing at interrupt index idx. */
static void edu_msi(uint32_t idx)
{
	uint32_t cap = pci_find_cap(edu_bdf, 0x05);

	pci_wr(edu_bdf, cap + 4, msi_remappable(idx));
	pci_wr(edu_bdf, cap + 8, 0);
	pci_wr(edu_bdf, cap + 12, 0);
	pci_wr(edu_bdf, cap, pci_rd(edu_bdf, cap) | 1u << 16);
}

/*
 * QEMU 7.2's edu has no migration state: on the destination it is a fresh
 * device.  Give it its BAR, bus mastering and MSI again (a no-op without a
 * migration); the unit's state is what phase 2 checks.
 */
static void edu_restore(void)
{
	pci_wr(edu_bdf, 0x10, edu);
	pci_wr(edu_bdf, 0x04, pci_rd(edu_bdf, 0x04) | 0x6);
	edu_msi(IDX_EDU);
}

static void ioapic_wr(uint32_t reg, uint32_t v)
{
	wr32(IOAPIC, reg);
	wr32(IOAPIC + 0x10, v);
}

/*
 * Take every recorded fault, as a driver's fault handler would; report the
 * first.  A device may make several requests for one transfer, each of which
 * faults.  Returns how many records were pending.
 */
static uint32_t faults_take(uint32_t *reason, uint32_t *sid, uint64_t *fi)
{
	uint32_t nfr = ((rd64(VTD + VTD_CAP) >> 40) & 0xff) + 1, i, off, n = 0;
	uint32_t first = (rd32(VTD + VTD_FSTS) >> 8) & 0xff;
	uint64_t hi;

	*reason = 0;
	*sid = 0;
	*fi = 0;
	for (i = 0; i < nfr; i++) {
		off = fro() + 16 * ((first + i) % nfr);
		hi = rd64(VTD + off + 8);
		if (!(hi >> 63))
			continue;
		if (!n++) {
			*reason = (hi >> 32) & 0xff;
			*sid = hi & 0xffff;
			*fi = rd64(VTD + off);
		}
		/* Clear F (RW1C). */
		wr32(VTD + off + 12, 1u << 31);
	}
	/* PPF follows the records; clear the overflow too. */
	wr32(VTD + VTD_FSTS, FSTS_PPF | 1);
	return n;
}

static void setup_translation(void)
{
	uint32_t i;

	for (i = 0; i < DMA_LEN; i++)
		src_buf[i] = (uint8_t)(i * 7 + 3);
	root_table[0] = (uintptr_t)ctx_table | 1;
	/* Legacy context entry: P, T=0 (untranslated), 3-level (AW 1), DID 1. */
	ctx_table[edu_bdf * 2] = (uintptr_t)sl3 | 1;
	ctx_table[edu_bdf * 2 + 1] = 1 | 1u << 8;
	sl3[0] = (uintptr_t)sl2 | 3;
	sl2[IOVA_SRC >> 21] = (uintptr_t)sl1 | 3;
	sl1[(IOVA_SRC >> 12) & 511] = (uintptr_t)src_buf | 1;		/* read-only */
	sl1[(IOVA_DST >> 12) & 511] = (uintptr_t)dst_buf | 3;		/* read-write */
}

static void phase1(void)
{
	uint64_t cap = rd64(VTD + VTD_CAP), ecap = rd64(VTD + VTD_ECAP);
	uint32_t reason = 0, sid = 0, i, ok;
	uint64_t fi = 0;

	check(rd32(VTD + VTD_VER) == 0x10, "VER is 1.0", "VER", rd32(VTD + VTD_VER));
	check((cap >> 8 & 0x1f) & 2, "CAP.SAGAW has 3-level tables", "CAP", cap);
	check((ecap & 0xa) == 0xa, "ECAP has QI and IR", "ECAP", ecap);

	/* Queue first: invalidations and IR need it. */
	wr64(VTD + VTD_IQA, (uintptr_t)queue);		/* 4 KiB, 128-bit */
	check(gcmd_set(GCMD_QIE, GCMD_QIE, 1), "queued invalidation enabled",
	      "GSTS", rd32(VTD + VTD_GSTS));

	setup_translation();
	wr64(VTD + VTD_RTADDR, (uintptr_t)root_table);
	check(gcmd_oneshot(GCMD_SRTP), "root table pointer set", "GSTS",
	      rd32(VTD + VTD_GSTS));
	check(qi_global_flush(), "context cache + IOTLB flush waited through the queue",
	      "IQH", rd64(VTD + VTD_IQH));
	check(gcmd_set(GCMD_TE, GCMD_TE, 1), "translation enabled", "GSTS",
	      rd32(VTD + VTD_GSTS));

	/* DMA through translation: RAM(IOVA_SRC) -> edu -> RAM(IOVA_DST). */
	ok = edu_dma(IOVA_SRC, 0, DMA_LEN) && edu_dma(IOVA_DST, 1, DMA_LEN);
	for (i = 0; ok && i < DMA_LEN; i++)
		ok = dst_buf[i] == src_buf[i];
	check(ok, "edu DMA read and write through second-stage translation",
	      "byte", i);

	/* Fault events reach the CPU through FEDATA/FEADDR. */
	wr32(VTD + VTD_FEDATA, VEC_FAULT);
	wr32(VTD + VTD_FEADDR, 0xfee00000u | apic_id << 12);
	wr32(VTD + VTD_FECTL, 0);

	/* A write to a read-only page: fault reason 5, edu's source-id. */
	edu_dma(IOVA_SRC, 1, 64);
	ok = faults_take(&reason, &sid, &fi);
	check(ok && reason == 5 && sid == edu_bdf && (fi & ~0xfffull) == IOVA_SRC,
	      "DMA write to a read-only page faults (reason 5, edu's SID, IOVA)",
	      "reason/sid", (uint64_t)reason << 16 | sid);
	/* An unmapped page. */
	edu_dma(IOVA_UNMAPPED, 1, 64);
	ok = faults_take(&reason, &sid, &fi);
	check(ok && reason == 5 && (fi & ~0xfffull) == IOVA_UNMAPPED,
	      "DMA write to an unmapped page faults", "reason", reason);
	check(wait_count(&irq_count[VEC_FAULT], 1, 10000000),
	      "fault event interrupt delivered", "count", irq_count[VEC_FAULT]);

	/* Interrupt remapping. */
	irte_set(IDX_EDU, VEC_EDU, edu_bdf);
	irte_set(IDX_TIMER, VEC_TIMER, IOAPIC_SID);
	wr64(VTD + VTD_IRTA, (uintptr_t)irt | 7);	/* 256 entries, xAPIC */
	check(gcmd_oneshot(GCMD_SIRTP), "interrupt remapping table set", "GSTS",
	      rd32(VTD + VTD_GSTS));
	check(qi_iec_global(), "interrupt entry cache flushed", "IQH",
	      rd64(VTD + VTD_IQH));
	check(gcmd_set(GCMD_IRE, GCMD_IRE, 1), "interrupt remapping enabled",
	      "GSTS", rd32(VTD + VTD_GSTS));

	/* edu's MSI in remappable format. */
	edu_msi(IDX_EDU);
	wr32(edu + EDU_IRQ_RAISE, 1);
	check(wait_count(&irq_count[VEC_EDU], 1, 10000000),
	      "edu MSI remapped to its IRTE's vector", "count", irq_count[VEC_EDU]);
	wr32(edu + EDU_IRQ_ACK, 1);

	/* An index whose IRTE is not present: blocked, fault 0x22. */
	edu_msi(IDX_ABSENT);
	wr32(edu + EDU_IRQ_RAISE, 2);
	wr32(edu + EDU_IRQ_ACK, 2);
	ok = faults_take(&reason, &sid, &fi) == 1;
	check(ok && reason == 0x22 && sid == edu_bdf && fi >> 48 == IDX_ABSENT &&
	      irq_count[VEC_EDU] == 1,
	      "MSI through a not-present IRTE is blocked (one fault 0x22)",
	      "reason/sid", (uint64_t)reason << 16 | sid);
	edu_msi(IDX_EDU);

	/* The PIT through the I/O APIC (pin 2), remappable format. */
	ioapic_wr(0x10 + 2 * 2 + 1, (IDX_TIMER & 0x7fff) << 17 | 1u << 16);
	ioapic_wr(0x10 + 2 * 2, VEC_TIMER);
	outb(0x43, 0x34);
	outb(0x40, 0x9c);			/* 11932: 100 Hz */
	outb(0x40, 0x2e);
	check(wait_count(&irq_count[VEC_TIMER], 3, 100000000),
	      "I/O APIC timer interrupts remapped (I/O APIC source-id)",
	      "count", irq_count[VEC_TIMER]);
	ioapic_wr(0x10 + 2 * 2, 1u << 16);	/* mask */
}

/* After a migration (or straight on): the unit kept its state. */
static void phase2(void)
{
	uint32_t gsts = rd32(VTD + VTD_GSTS), i, ok, before;

	edu_restore();

	check((gsts & (GCMD_TE | GCMD_QIE | GCMD_IRE)) == (GCMD_TE | GCMD_QIE | GCMD_IRE),
	      "translation, queue and remapping still on", "GSTS", gsts);
	for (i = 0; i < DMA_LEN; i++) {
		src_buf[i] = (uint8_t)(i * 13 + 1);
		dst_buf[i] = 0;
	}
	ok = edu_dma(IOVA_SRC, 0, DMA_LEN) && edu_dma(IOVA_DST, 1, DMA_LEN);
	for (i = 0; ok && i < DMA_LEN; i++)
		ok = dst_buf[i] == src_buf[i];
	check(ok, "edu DMA still translated", "byte", i);
	check(qi_global_flush(), "queue still runs (tail/head kept)", "IQH",
	      rd64(VTD + VTD_IQH));
	before = irq_count[VEC_EDU];
	wr32(edu + EDU_IRQ_RAISE, 1);
	check(wait_count(&irq_count[VEC_EDU], before + 1, 10000000),
	      "edu MSI still remapped", "count", irq_count[VEC_EDU]);
	wr32(edu + EDU_IRQ_ACK, 1);
}

static int cmdline_has(const char *cmdline, const char *word)
{
	const char *p, *w;

	for (p = cmdline; p && *p; p++) {
		for (w = word; *w && p[w - word] == *w; w++)
			;
		if (!*w)
			return 1;
	}
	return 0;
}

/*
 * q35's AHCI controller keeps the FIS receive buffer the firmware gave it.
 * This guest does not map it, so stop the ports' FIS receive and command
 * engines before translation is on, as a driver that does not use a device
 * would leave it: a migration restores an enabled FIS buffer by DMA, which
 * would then fault.
 */
static void quiesce_ahci(void)
{
	uint32_t devfn, abar, pi, i;

	for (devfn = 0; devfn < 256; devfn++) {
		if (pci_rd(devfn, 0) == 0xffffffffu || pci_rd(devfn, 0x08) >> 8 != 0x010601)
			continue;
		abar = pci_rd(devfn, 0x24) & ~0xfu;
		pi = rd32(abar + 0x0c);
		for (i = 0; i < 32; i++)
			if (pi & (1u << i))
				wr32(abar + 0x100 + 0x80 * i + 0x18,
				     rd32(abar + 0x100 + 0x80 * i + 0x18) & ~0x11u);
	}
}

struct multiboot_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

void main(uint32_t magic, struct multiboot_info *mbi);
void main(uint32_t magic, struct multiboot_info *mbi)
{
	const char *cmdline = NULL;

	if (magic == 0x2badb002 && (mbi->flags & 4))
		cmdline = (const char *)(uintptr_t)mbi->cmdline;
	outb(0x21, 0xff);			/* 8259s masked: the I/O APIC only */
	outb(0xa1, 0xff);
	wr32(LAPIC + LAPIC_SVR, 0x1ff);		/* APIC on, spurious 0xff */
	apic_id = rd32(LAPIC + LAPIC_ID) >> 24;

	edu_bdf = pci_find(EDU_ID);
	if (edu_bdf == 0xffffffffu) {
		check(0, "edu device found", "bdf", edu_bdf);
		goto out;
	}
	quiesce_ahci();
	edu = pci_rd(edu_bdf, 0x10) & ~0xfu;
	pci_wr(edu_bdf, 0x04, pci_rd(edu_bdf, 0x04) | 0x6);	/* mem + bus master */

	phase1();
	if (cmdline_has(cmdline, "migrate")) {
		puts("VTD-EDU: migrate\n");
		serial_wait_byte();
	}
	phase2();
	delay_loops(1000);
out:
	puts(failures ? "VTD-EDU: failed\n" : "VTD-EDU: passed\n");
	puts("VTD-EDU: done\n");
}
