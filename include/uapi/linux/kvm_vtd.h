/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm-vtd: an Intel VT-d DMA remapping unit emulated in the host kernel.
 *
 * A VMM creates one unit per KVM_CREATE_DEVICE(KVM_DEV_TYPE_INTEL_VTD) and
 * configures it with KVM_{SET,GET,HAS}_DEVICE_ATTR on the returned fd.  See
 * Documentation/kvm-vtd.rst for the semantics of every group.
 *
 * Errors common to every attribute: an unknown group or attribute returns
 * -ENXIO, a bad value -EINVAL, and an operation the device's current state
 * does not allow -EBUSY.  Groups documented as "reserved" have fixed numbers
 * but no attribute yet; they return -ENXIO.
 */
#ifndef _UAPI_LINUX_KVM_VTD_H
#define _UAPI_LINUX_KVM_VTD_H

#include <linux/types.h>

/* Size of the unit's register page in guest physical address space. */
#define KVM_VTD_REG_PAGE_SIZE		0x1000

/*
 * KVM_DEV_VTD_GRP_ADDR: guest physical addresses of the unit's MMIO windows.
 *
 * KVM_DEV_VTD_ADDR_REGS: the __u64 at attr.addr is the GPA of the 4 KiB
 * register page.  It must be 4 KiB aligned and below 2^52, is set once
 * (-EEXIST on a second set) and only before KVM_DEV_VTD_CTRL_INIT (-EBUSY
 * after).  A get before any set returns KVM_VTD_ADDR_UNSET.
 */
#define KVM_DEV_VTD_GRP_ADDR		0
#define   KVM_DEV_VTD_ADDR_REGS		0
#define KVM_VTD_ADDR_UNSET		(~0ULL)

/*
 * KVM_DEV_VTD_GRP_REGS: architectural registers, for feature selection and
 * for save/restore.  attr is a register offset in the register page (a
 * fault recording register is two 8-byte registers, at its offset and 8
 * above) or one of the internal registers below; attr.addr points to a
 * __u64 (32-bit registers are zero-extended).  Offsets where this unit has
 * no register return -ENXIO.
 *
 * Get works at any time and returns the register as the unit holds it,
 * including write-only state (IVA); GCMD reads 0.
 *
 * Set before KVM_DEV_VTD_CTRL_INIT: only CAP and ECAP, to choose the unit's
 * features (other registers return -EBUSY).  A get before any set returns
 * everything the module implements, which is also the default.  A value
 * with a feature the module does not implement, a field out of range, FRO
 * or IRO other than the defaults, or contradicting fields returns -EINVAL.
 * So do combinations a Linux guest cannot use: SLLPS other than none, 2 MiB
 * or 2 MiB + 1 GiB; MAMV above 45; scalable mode (SMTS) without QI or
 * without FLTS or SLTS; FLTS and SLTS whose table depths have nothing in
 * common (SAGAW must include 48-bit, or 57-bit with FL5LP).  VER follows
 * ECAP: 1.0, or 3.0 with SMTS.
 *
 * Set after KVM_DEV_VTD_CTRL_INIT: restores state saved by get, without the
 * side effects a guest write would have.  VER, CAP and ECAP must equal the
 * unit's and GCMD must be 0 (-EINVAL otherwise); a value with bits the
 * register cannot hold returns -EINVAL.  Refused with -EBUSY while any vCPU
 * of the VM is running; see Documentation/kvm-vtd.rst for the order.  Each
 * set is a translation state switch that re-programs every assigned device
 * from the state restored so far: restore a whole state with
 * KVM_DEV_VTD_STATE_RESTORE instead.
 */
#define KVM_DEV_VTD_GRP_REGS		1
/* Internal state that is not in any register, for save/restore. */
#define   KVM_VTD_REG_LATCHED_RTADDR	0x1000	/* root table in use (SRTP) */
#define   KVM_VTD_REG_LATCHED_IQA	0x1008	/* queue in use (QIE) */
#define   KVM_VTD_REG_FAULT_NEXT	0x1010	/* next fault record index */
#define   KVM_VTD_REG_LATCHED_IRTA	0x1018	/* remapping table in use (SIRTP) */

/*
 * KVM_DEV_VTD_GRP_CTRL: commands; attr.addr is ignored.
 *
 * KVM_DEV_VTD_CTRL_INIT: finalize the configuration and put the register page
 * on the KVM MMIO bus, after which guest accesses to it are handled in the
 * kernel and never exit to userspace.  Requires KVM_DEV_VTD_ADDR_REGS
 * (-EINVAL without it); a second INIT returns -EBUSY; a register page that
 * overlaps another initialized unit's in the same VM returns -EEXIST.
 *
 * KVM_DEV_VTD_CTRL_RESET: platform reset.  Every register returns to its
 * power-on value and all internal state is dropped; the configuration
 * (register page address, CAP, ECAP) is kept.  Refused with -EBUSY while any
 * vCPU of the VM is running.
 */
#define KVM_DEV_VTD_GRP_CTRL		2
#define   KVM_DEV_VTD_CTRL_INIT		0
#define   KVM_DEV_VTD_CTRL_RESET	1

/**
 * struct kvm_vtd_shared - the unit's shared page
 * @xlate_gen: the translation generation.  The unit increments it, ordered
 *	before every later store of its own (the wait status write above
 *	all), before any invalidation it carries out may take effect: every
 *	context-cache, IOTLB, PASID-cache and PASID-based IOTLB invalidation,
 *	register-based or queued, and every translation state switch (SRTP,
 *	TE on or off, reset, restore).  A translation a VMM got from
 *	KVM_DEV_VTD_TRANSLATE while the generation was G (read with acquire
 *	semantics before the call) stays valid while it is still G: until the
 *	guest invalidates something, a mapping it changed without
 *	invalidating is not the unit's concern either.  A translation that
 *	set a first-stage accessed flag for a read still needs the call for
 *	a write (the dirty flag).
 * @reserved: zero
 *
 * mmap() of the device fd at offset 0, exactly %KVM_VTD_SHARED_SIZE bytes,
 * shared and read-only (PROT_WRITE is -EINVAL, mprotect() to writable
 * -EACCES).  It exists from creation on and stays valid until unmapped,
 * even after the device fd is closed.
 */
struct kvm_vtd_shared {
	__u64 xlate_gen;
	__u64 reserved[511];
};

#define KVM_VTD_SHARED_SIZE		4096

/*
 * KVM_DEV_VTD_GRP_STATE: the unit's state at once, for migration.
 *
 * KVM_DEV_VTD_STATE_RESTORE (set): attr.addr points to a struct
 * kvm_vtd_state of @nr (register, value) pairs, each what a
 * KVM_DEV_VTD_GRP_REGS set after INIT takes (typically every register
 * KVM_HAS_DEVICE_ATTR accepts, as saved with get).  They are checked and
 * applied together and the translation state switches once: caches are
 * dropped and every assigned device is re-programmed from the whole
 * restored state, once.  A pair a register set would refuse fails the call
 * with its errno (-EINVAL, -ENXIO) and nothing changes.  -EINVAL also for
 * non-zero @flags, @nr 0 or above KVM_VTD_STATE_REGS_MAX; -EBUSY before
 * INIT or while any vCPU runs; -EFAULT, -ENOMEM.
 */
#define KVM_DEV_VTD_GRP_STATE		6
#define   KVM_DEV_VTD_STATE_RESTORE	0
/* Register page dwords and the internal registers: room for every register. */
#define KVM_VTD_STATE_REGS_MAX		1032

/**
 * struct kvm_vtd_reg - one register of a state
 * @offset: the register, as the attr of KVM_DEV_VTD_GRP_REGS
 * @value: its value
 */
struct kvm_vtd_reg {
	__u64 offset;
	__u64 value;
};

/**
 * struct kvm_vtd_state - a state for KVM_DEV_VTD_STATE_RESTORE
 * @nr: entries in @regs, 1 to %KVM_VTD_STATE_REGS_MAX
 * @flags: must be 0
 * @regs: the registers, in any order; a register given twice takes the
 *	last value
 */
struct kvm_vtd_state {
	__u32 nr;
	__u32 flags;
	struct kvm_vtd_reg regs[];
};

/*
 * KVM_DEV_VTD_GRP_DEVICE: assigned devices, programmed through iommufd.
 *
 * KVM_DEV_VTD_DEVICE_ATTACH (set): attr.addr points to a struct
 * kvm_vtd_device.  From then on the unit keeps the device's host IOMMU
 * attachment equal to what the guest programmed for its source-id: the
 * nesting parent when translation is off or the guest says pass-through, a
 * nested HWPT built from the guest's first-stage PASID entry, the shadow
 * IOAS filled from the guest's second-stage (or legacy) tables, or the
 * shadow IOAS left empty (blocked) when the guest's entries are not present.
 * The device must be bound and attached in the iommufd (e.g. by VFIO) and
 * the unit initialized.  While the device is attached, IOMMU_DESTROY of the
 * parent, the shadow IOAS or a nested HWPT the unit made returns -EBUSY.
 * Errors: -EBUSY before INIT, -EINVAL for bad flags, reserved fields,
 * @pasid_bits above 20, a parent that is not a HWPT (refused before the
 * device moves) or a unit without CAP.CM (the unit
 * shadows second-stage tables from the guest's IOTLB invalidations, which a
 * guest sends for new mappings only under caching mode), -EBADF for an fd
 * that is not an iommufd, -ENODEV for a dev_id the iommufd does not hold,
 * -ENOENT for a shadow IOAS it does not hold, -EEXIST for a source-id
 * already attached, -EBUSY for a device (same iommufd and dev_id) already
 * attached under another source-id of this unit, -ENOSPC beyond
 * %KVM_VTD_MAX_DEVICES; -ENOMEM and other errors of the host's iommufd
 * calls are passed on (e.g. -EADDRINUSE for a shadow IOAS holding
 * mappings the device cannot reach: the unit gives it a HWPT there).
 *
 * KVM_DEV_VTD_DEVICE_DETACH (set): attr.addr points to a struct
 * kvm_vtd_device of which only @size, @flags and @sid are used.  The device
 * goes back to the nesting parent, what the unit allocated or mapped for it
 * is destroyed and the iommufd reference dropped; -ENOENT for a source-id
 * that is not attached.  Closing the device fd detaches every device.
 *
 * KVM_DEV_VTD_DEVICE_STATE (get): attr.addr points to a struct
 * kvm_vtd_device_state; @sid in, the rest out.  -ENOENT if not attached.
 *
 * KVM_DEV_VTD_DEVICE_PASIDS (get): attr.addr points to a struct
 * kvm_vtd_device_pasids: the device's PASID cache, what the guest's PASID
 * table entries said at its last PASID-cache invalidation for them.
 * -ENOENT if not attached, -EINVAL for non-zero @flags or @nr above
 * %KVM_VTD_PASIDS_MAX.
 */
#define KVM_DEV_VTD_GRP_DEVICE		3
#define   KVM_DEV_VTD_DEVICE_ATTACH	0
#define   KVM_DEV_VTD_DEVICE_DETACH	1
#define   KVM_DEV_VTD_DEVICE_STATE	2
#define   KVM_DEV_VTD_DEVICE_PASIDS	3

/* Assigned devices one unit takes. */
#define KVM_VTD_MAX_DEVICES		64

/**
 * struct kvm_vtd_device - argument of KVM_DEV_VTD_DEVICE_ATTACH and _DETACH
 * @size: sizeof(struct kvm_vtd_device) as the VMM was built with; a larger
 *	struct is accepted if the bytes this kernel does not know are zero.
 * @flags: must be 0.
 * @sid: the device's source-id in the guest (bus << 8 | device << 3 |
 *	function).
 * @pasid_bits: the width of the PASIDs the device issues as the guest sees
 *	it (its PASID capability's Max PASID Width), 0 to 20; 0 for a device
 *	without PASIDs, which uses only the context's RID_PASID.  Bounds the
 *	device's PASID cache: at most 2^@pasid_bits + 1 entries.
 * @reserved0: must be 0.
 * @iommufd: file descriptor of the iommufd that holds the device; the unit
 *	keeps its own reference, so the VMM may close its descriptor.
 * @dev_id: the device's ID in that iommufd.
 * @parent_hwpt_id: a HWPT allocated for the device with
 *	IOMMU_HWPT_ALLOC_NEST_PARENT on the IOAS that maps guest physical
 *	memory (GPA -> host memory); the device is attached to it whenever the
 *	guest's DMA is not remapped, and nested HWPTs are allocated under it.
 * @shadow_ioas_id: an IOAS the unit owns for this device: it maps there
 *	what the guest's second-stage tables map (IOVA -> the memory behind
 *	the GPA) and nothing else.  The VMM must not map or unmap in it.
 * @reserved1: must be 0.
 */
struct kvm_vtd_device {
	__u32 size;
	__u32 flags;
	__u16 sid;
	__u8 pasid_bits;
	__u8 reserved0;
	__s32 iommufd;
	__u32 dev_id;
	__u32 parent_hwpt_id;
	__u32 shadow_ioas_id;
	__u32 reserved1;
};

/**
 * enum kvm_vtd_device_mode - how an assigned device is attached
 * @KVM_VTD_DEVICE_PARENT: to the nesting parent (translation off, or the
 *	guest's entry is pass-through).
 * @KVM_VTD_DEVICE_NESTED: to a nested HWPT built from the guest's
 *	first-stage PASID entry (the device's RID_PASID).
 * @KVM_VTD_DEVICE_SHADOW: to the shadow IOAS, which mirrors the guest's
 *	second-stage or legacy tables.
 * @KVM_VTD_DEVICE_BLOCKED: to the shadow IOAS with nothing mapped: the
 *	guest's entries for the device are not present or invalid, or
 *	programming the host failed (the guest got a fault record).
 */
enum kvm_vtd_device_mode {
	KVM_VTD_DEVICE_PARENT = 1,
	KVM_VTD_DEVICE_NESTED,
	KVM_VTD_DEVICE_SHADOW,
	KVM_VTD_DEVICE_BLOCKED,
};

/**
 * struct kvm_vtd_device_state - argument of KVM_DEV_VTD_DEVICE_STATE
 * @sid: in: the source-id.
 * @mode: out: &enum kvm_vtd_device_mode.
 * @hwpt_id: out: the iommufd HWPT the device is attached to.
 * @shadow_runs: out: contiguous runs mapped in the shadow IOAS.
 * @host_errors: out: host iommufd calls for this device that failed.
 * @shadow_bytes: out: bytes mapped in the shadow IOAS.
 * @pasids: out: entries in the device's PASID cache.
 * @reserved0: out: 0.
 * @reserved: out: 0.
 */
struct kvm_vtd_device_state {
	__u16 sid;
	__u16 mode;
	__u32 hwpt_id;
	__u32 shadow_runs;
	__u32 host_errors;
	__u64 shadow_bytes;
	__u32 pasids;
	__u32 reserved0;
	__u64 reserved;
};

/* PASID table entry translation types, as the entry encodes them. */
#define KVM_VTD_PGTT_FIRST_STAGE	1
#define KVM_VTD_PGTT_SECOND_STAGE	2
#define KVM_VTD_PGTT_PASS_THROUGH	4

#define KVM_VTD_PASID_SRE		(1u << 0)	/* supervisor requests */
#define KVM_VTD_PASID_WPE		(1u << 1)	/* write protect enable */
#define KVM_VTD_PASID_EAFE		(1u << 2)	/* extended accessed flag */

/**
 * struct kvm_vtd_pasid_info - one entry of a device's PASID cache
 * @pasid: the PASID.
 * @did: the domain-id of its PASID table entry.
 * @pgtt: KVM_VTD_PGTT_*.
 * @addr_width: first stage: 48 or 57 (4- or 5-level); second stage: the
 *	table's address width (39, 48 or 57); pass-through: 0.
 * @flags: KVM_VTD_PASID_* (first stage).
 * @reserved: 0.
 * @pgtbl: the first-stage (FLPTPTR) or second-stage (SLPTPTR) table; 0 for
 *	pass-through.
 */
struct kvm_vtd_pasid_info {
	__u32 pasid;
	__u16 did;
	__u8 pgtt;
	__u8 addr_width;
	__u32 flags;
	__u32 reserved;
	__u64 pgtbl;
};

/* Entries one KVM_DEV_VTD_DEVICE_PASIDS call returns at most. */
#define KVM_VTD_PASIDS_MAX		4096

/**
 * struct kvm_vtd_device_pasids - argument of KVM_DEV_VTD_DEVICE_PASIDS
 * @sid: in: the source-id.
 * @flags: in: 0.
 * @first: in: the lowest PASID to report.
 * @nr: in: room in @entries, at most %KVM_VTD_PASIDS_MAX; out: entries
 *	written, the cached PASIDs from @first up, in order.
 * @total: out: entries in the device's PASID cache.
 * @entries: out: the entries.
 *
 * The cache is filled by the guest's PASID-cache invalidations (global,
 * domain- or PASID-selective, each with the domain-id check of the
 * architecture) and translation state switches, by walking the present
 * PASID directory and table entries of the device's context up to its
 * PDTS and 2^@pasid_bits (and its RID_PASID).  Entries that are not
 * present or not valid are not cached.
 */
struct kvm_vtd_device_pasids {
	__u16 sid;
	__u16 flags;
	__u32 first;
	__u32 nr;
	__u32 total;
	struct kvm_vtd_pasid_info entries[];
};

/*
 * KVM_DEV_VTD_GRP_TRANSLATE: DMA address translation, as the unit would do
 * it for a request from a device behind it.
 *
 * KVM_DEV_VTD_TRANSLATE: KVM_GET_DEVICE_ATTR with attr.addr pointing to a
 * struct kvm_vtd_translation, read and written back.  The ioctl returns 0
 * whether the translation succeeds or faults (the result says which);
 * -EINVAL for unknown flags or non-zero reserved fields, -EBUSY before INIT.
 * A translation whose output (the whole leaf, or the page for pass-through)
 * overlaps 0xfee00000-0xfeefffff faults (0xe, or 0x87 in scalable mode):
 * DMA never reaches the interrupt range through a translation.  A write
 * without PASID to that range is not DMA at all but an interrupt request:
 * a VMM sends it to KVM_DEV_VTD_TRANSLATE_MSI, not here, whatever the
 * translation state (with translation off, or in pass-through, it would
 * otherwise reach the APIC unremapped).
 *
 * KVM_DEV_VTD_TRANSLATE_MSI: interrupt remapping, as the unit would do it
 * for an interrupt request (a DWORD write to 0xFEEx_xxxx) from a device
 * behind it.  KVM_GET_DEVICE_ATTR with attr.addr pointing to a struct
 * kvm_vtd_msi_translation, read and written back.  Returns 0 whether the
 * interrupt is delivered or blocked (@result says which); -EINVAL for
 * unknown flags, non-zero reserved fields or an address outside
 * 0xfee00000-0xfeefffff, -EBUSY before INIT.  A VMM calls it for every
 * interrupt its devices send, or for the message of each interrupt route
 * it sets up (KVM_SET_GSI_ROUTING, irqfd), and translates its routes again
 * when KVM_DEV_VTD_IR_EVENTFD signals.
 *
 * KVM_DEV_VTD_IR_EVENTFD (set): attr.addr points to a __s32: an eventfd the
 * unit signals whenever an interrupt translation may have changed: an
 * interrupt entry cache invalidation completed in the queue, SIRTP, the
 * guest enabled or disabled interrupt remapping or compatibility format
 * interrupts, reset or restore.  -1 removes it.  The guest's invalidation
 * completes without waiting for the VMM.  -EBADF or -EINVAL for an fd
 * that is not an eventfd.
 *
 * A VMM may keep the translations KVM_DEV_VTD_TRANSLATE gave it (not its
 * faults) in a cache of its own, as QEMU's model keeps an IOTLB, and use
 * one without asking again while the translation generation of the unit's
 * shared page (struct kvm_vtd_shared) is still the one it read before
 * asking: see there.
 */
#define KVM_DEV_VTD_GRP_TRANSLATE	4
#define   KVM_DEV_VTD_TRANSLATE		0
#define   KVM_DEV_VTD_TRANSLATE_MSI	1
#define   KVM_DEV_VTD_IR_EVENTFD	2

#define KVM_VTD_TRANSLATE_WRITE		(1u << 0)	/* a write request */
#define KVM_VTD_TRANSLATE_NO_FAULT	(1u << 1)	/* never record a fault */
#define KVM_VTD_TRANSLATE_PASID		(1u << 2)	/* a request with PASID */
#define KVM_VTD_TRANSLATE_PRIV		(1u << 3)	/* privileged (with PASID) */
#define KVM_VTD_TRANSLATE_FLAGS		(KVM_VTD_TRANSLATE_WRITE | \
					 KVM_VTD_TRANSLATE_NO_FAULT | \
					 KVM_VTD_TRANSLATE_PASID | \
					 KVM_VTD_TRANSLATE_PRIV)

#define KVM_VTD_PERM_READ		(1u << 0)
#define KVM_VTD_PERM_WRITE		(1u << 1)

/**
 * struct kvm_vtd_translation - argument of KVM_DEV_VTD_TRANSLATE
 * @flags: in: KVM_VTD_TRANSLATE_*; a request without WRITE is a read.
 *	PRIV (a supervisor request) needs PASID.
 * @sid: in: source-id of the requester (PCI bus << 8 | devfn).
 * @pad: must be 0.
 * @pasid: in: the request's PASID (below 2^20) with
 *	KVM_VTD_TRANSLATE_PASID; must be 0 without it.  Requests without
 *	PASID use the context entry's RID_PASID in scalable mode.
 * @perm: out: KVM_VTD_PERM_* this request's privilege has on the mapping.
 * @iova: in: the address the device uses.
 * @gpa: out: the guest physical address @iova translates to.
 * @size: out: size of the mapping (page or large page) containing @iova;
 *	@gpa - (@iova & (@size - 1)) is where that mapping starts.  An
 *	identity result (translation disabled, or pass-through) names the
 *	naturally aligned block of up to 1 GiB around @iova that stays clear
 *	of the interrupt range 0xfee00000-0xfeefffff (4 KiB inside it), each
 *	address of which translates to itself the same way.
 * @fault_reason: out: 0, or the VT-d fault reason of a failed translation
 *	(e.g. 0x2 context entry not present, 0x6 no read permission, 0x59
 *	PASID entry not present, 0x71 first-stage entry not present).
 * @fault_recorded: out: 1 if the fault was logged in the unit's fault
 *	recording registers (unless the context, PASID directory or PASID
 *	table entry's FPD or KVM_VTD_TRANSLATE_NO_FAULT suppressed it, or the
 *	log overflowed).
 * @reserved: must be 0.
 *
 * With translation disabled (GSTS.TES clear) every address translates to
 * itself with read and write permission.  KVM_DEV_VTD_TRANSLATE only reads
 * guest memory: unlike a DMA translation by the hardware it does not set
 * first-stage accessed/dirty bits (x86 KVM tracks guest writes per running
 * vCPU, and this ioctl has none).
 */
struct kvm_vtd_translation {
	__u32 flags;
	__u16 sid;
	__u16 pad;
	__u32 pasid;
	__u32 perm;
	__u64 iova;
	__u64 gpa;
	__u64 size;
	__u8 fault_reason;
	__u8 fault_recorded;
	__u16 reserved[3];
};

/* What the unit does with an interrupt request. */
#define KVM_VTD_MSI_PASS		1	/* delivered unchanged */
#define KVM_VTD_MSI_REMAPPED		2	/* delivered as its IRTE says */
#define KVM_VTD_MSI_BLOCKED		3	/* not delivered: a fault */

#define KVM_VTD_MSI_LOGICAL		(1u << 0)	/* logical destination mode */
#define KVM_VTD_MSI_REDIR_HINT		(1u << 1)	/* redirection hint */
#define KVM_VTD_MSI_LEVEL		(1u << 2)	/* level-triggered */

/**
 * struct kvm_vtd_msi_translation - argument of KVM_DEV_VTD_TRANSLATE_MSI
 * @flags: in: 0 or KVM_VTD_TRANSLATE_NO_FAULT.
 * @sid: in: source-id of the requester (PCI bus << 8 | devfn; an I/OxAPIC's
 *	as the DMAR table gives it).
 * @reserved0: must be 0.
 * @address: in: the message address the device wrote, 0xfee00000 to
 *	0xfeefffff (bit 4 set: remappable format).
 * @data: in: the message data.
 * @result: out: KVM_VTD_MSI_PASS (interrupt remapping is off, or a
 *	compatibility format request it lets through), KVM_VTD_MSI_REMAPPED
 *	or KVM_VTD_MSI_BLOCKED.
 * @msi_address: out: unless blocked, the interrupt to deliver in
 *	compatibility format, as struct kvm_msi takes it: address_lo is bits
 *	31:0, address_hi bits 63:32.  In x2APIC mode (IRTA.EIME) bits 63:40
 *	carry destination bits 31:8, which KVM reads with
 *	KVM_X2APIC_API_USE_32BIT_IDS.
 * @msi_data: out: its data.
 * @index: out: the interrupt index of a remappable request.
 * @dest: out: remapped: the destination APIC ID.
 * @vector: out: remapped: the vector.
 * @delivery_mode: out: remapped: the delivery mode (0 fixed, 1 lowest
 *	priority, 2 SMI, 4 NMI, 5 INIT, 7 ExtINT).
 * @mode: out: remapped: KVM_VTD_MSI_LOGICAL, _REDIR_HINT, _LEVEL.
 * @fault_reason: out: blocked: the VT-d fault reason (0x20 reserved field
 *	in the request, 0x21 index beyond the table, 0x22 entry not present,
 *	0x23 table not readable, 0x24 reserved field in the entry, 0x25
 *	compatibility format blocked, 0x26 source-id verification failed).
 * @fault_recorded: out: 1 if the fault was logged in the unit's fault
 *	recording registers (unless the entry's FPD or
 *	KVM_VTD_TRANSLATE_NO_FAULT suppressed it, or the log overflowed); the
 *	record's FI field holds the index in bits 63:48.
 * @reserved1: must be 0.
 *
 * Remappable requests go through the unit's interrupt entry cache, which
 * only the guest's interrupt entry cache invalidations (and SIRTP) update:
 * an IRTE the guest changes without invalidating it may still translate
 * as it was.
 */
struct kvm_vtd_msi_translation {
	__u32 flags;
	__u16 sid;
	__u16 reserved0;
	__u64 address;
	__u32 data;
	__u32 result;
	__u64 msi_address;
	__u32 msi_data;
	__u32 index;
	__u32 dest;
	__u8 vector;
	__u8 delivery_mode;
	__u8 mode;
	__u8 fault_reason;
	__u8 fault_recorded;
	__u8 reserved1[7];
};

/*
 * KVM_DEV_VTD_GRP_STATS: counters, read with KVM_GET_DEVICE_ATTR.
 *
 * KVM_DEV_VTD_STATS: attr.addr points to a struct kvm_vtd_stats.
 */
#define KVM_DEV_VTD_GRP_STATS		5
#define   KVM_DEV_VTD_STATS		0

/**
 * enum kvm_vtd_stat - index of each counter in &kvm_vtd_stats.counters
 * @KVM_VTD_STAT_REG_READS: guest reads of the register page handled in the
 *	kernel (4- and 8-byte accesses inside the page).
 * @KVM_VTD_STAT_REG_WRITES: guest writes of the register page handled in the
 *	kernel.
 * @KVM_VTD_STAT_REG_BAD_ACCESS: guest accesses inside the register page that
 *	were not a naturally aligned 4- or 8-byte access; they are dropped and
 *	read as 0.
 * @KVM_VTD_STAT_FAULTS_RECORDED: primary faults written to a fault
 *	recording register.
 * @KVM_VTD_STAT_FAULTS_DROPPED: primary faults not recorded: the next
 *	record was busy (FSTS.PFO set) or PFO was already set.
 * @KVM_VTD_STAT_FAULT_IRQS: fault event interrupts delivered.
 * @KVM_VTD_STAT_INV_IRQS: invalidation event interrupts delivered.
 * @KVM_VTD_STAT_IRQS_FAILED: event interrupts the VM's irqchip refused
 *	(e.g. no in-kernel irqchip or a bad message address).
 * @KVM_VTD_STAT_CC_INVALIDATIONS: context-cache invalidations completed
 *	(register-based and queued).
 * @KVM_VTD_STAT_IOTLB_INVALIDATIONS: IOTLB invalidations completed
 *	(register-based and queued).
 * @KVM_VTD_STAT_REG_INV_IGNORED: register-based invalidations requested
 *	while queued invalidation was enabled; not performed.
 * @KVM_VTD_STAT_DMAR_SWITCHES: translation state switches (root table
 *	latched, translation enabled or disabled, reset, restore).
 * @KVM_VTD_STAT_QI_DESCRIPTORS: invalidation queue descriptors processed.
 * @KVM_VTD_STAT_QI_ERRORS: invalidation queue errors (FSTS.IQE set).
 * @KVM_VTD_STAT_QI_PAGES_READ: reads of the invalidation queue from guest
 *	memory: each the pending descriptors of one page.
 * @KVM_VTD_STAT_TRANSLATIONS: translations requested (KVM_DEV_VTD_TRANSLATE).
 * @KVM_VTD_STAT_TRANSLATION_FAULTS: translations that faulted.
 * @KVM_VTD_STAT_CTX_PAGES_READ: root and context table pages read.
 * @KVM_VTD_STAT_WALK_PAGES_READ: first- and second-stage paging structure
 *	pages read.
 * @KVM_VTD_STAT_PASID_PAGES_READ: PASID directory and PASID table pages read.
 * @KVM_VTD_STAT_WALKS: first- and second-stage page walks started
 *	(translations and range walks).
 * @KVM_VTD_STAT_WALK_LEAVES: present leaves those walks found.
 * @KVM_VTD_STAT_PC_INVALIDATIONS: PASID-cache invalidation descriptors
 *	completed.
 * @KVM_VTD_STAT_PIOTLB_INVALIDATIONS: PASID-based IOTLB invalidation
 *	descriptors completed.
 * @KVM_VTD_STAT_CTX_CACHE_HITS: translations whose root/context/PASID stage
 *	the context cache answered.
 * @KVM_VTD_STAT_CTX_CACHE_MISSES: translations that read those structures.
 * @KVM_VTD_STAT_IOTLB_HITS: translations whose leaf the IOTLB answered.
 * @KVM_VTD_STAT_IOTLB_MISSES: translations that walked the page table.
 * @KVM_VTD_STAT_CACHE_EVICTIONS: cached entries (context cache, IOTLB,
 *	interrupt entry cache) replaced by new ones.
 * @KVM_VTD_STAT_CACHE_INVALIDATED: cached entries dropped by invalidations.
 * @KVM_VTD_STAT_QI_DRAINS: queue runs that processed at least one
 *	descriptor (QI_DESCRIPTORS / QI_DRAINS is the mean batch).
 * @KVM_VTD_STAT_QI_WAITS: invalidation wait descriptors completed.
 * @KVM_VTD_STAT_HOST_EVALS: assigned-device re-evaluations (after a
 *	translation state switch or a context- or PASID-cache invalidation
 *	that named the device).
 * @KVM_VTD_STAT_HOST_ATTACHES: host attachment changes (iommufd replace).
 * @KVM_VTD_STAT_HOST_HWPT_ALLOCS: nested HWPTs allocated.
 * @KVM_VTD_STAT_HOST_HWPT_DESTROYS: nested HWPTs destroyed.
 * @KVM_VTD_STAT_HOST_INV_CALLS: host HWPT invalidation calls (at most one
 *	per device per queue drain or invalidation wait).
 * @KVM_VTD_STAT_HOST_INV_ENTRIES: entries in those calls.
 * @KVM_VTD_STAT_SHADOW_MAP_CALLS: shadow IOAS map calls.
 * @KVM_VTD_STAT_SHADOW_MAP_BYTES: bytes they mapped.
 * @KVM_VTD_STAT_SHADOW_UNMAP_CALLS: shadow IOAS unmap calls.
 * @KVM_VTD_STAT_SHADOW_UNMAP_BYTES: bytes they unmapped.
 * @KVM_VTD_STAT_HOST_ERRORS: host iommufd calls that failed.
 * @KVM_VTD_STAT_DEVTLB_INVALIDATIONS: device-TLB invalidation descriptors
 *	completed.
 * @KVM_VTD_STAT_PDEVTLB_INVALIDATIONS: PASID-based device-TLB invalidation
 *	descriptors completed.
 * @KVM_VTD_STAT_HOST_PASID_SYNCS: assigned-device PASID-cache syncs (one
 *	walk of a device's PASID tables per PASID-cache invalidation or
 *	switch, at most one per device per queue drain).
 * @KVM_VTD_STAT_HOST_PASID_UPDATES: PASID-cache entries added or changed.
 * @KVM_VTD_STAT_HOST_PASID_DROPS: PASID-cache entries removed.
 * @KVM_VTD_STAT_IEC_INVALIDATIONS: interrupt entry cache invalidation
 *	descriptors completed.
 * @KVM_VTD_STAT_MSI_TRANSLATIONS: interrupt requests translated
 *	(KVM_DEV_VTD_TRANSLATE_MSI).
 * @KVM_VTD_STAT_MSI_REMAPPED: those that went through an IRTE.
 * @KVM_VTD_STAT_MSI_BLOCKED: those that faulted.
 * @KVM_VTD_STAT_IEC_HITS: remappable requests the interrupt entry cache
 *	answered.
 * @KVM_VTD_STAT_IEC_MISSES: remappable requests that read the guest's
 *	interrupt remapping table (one entry each).
 * @KVM_VTD_STAT_IR_CHANGES: events after which interrupt translations may
 *	differ (each signals the KVM_DEV_VTD_IR_EVENTFD eventfd).
 * @KVM_VTD_STAT_WORK_DEFERRED: exits that used up their work budget and
 *	left work (queue descriptors, shadow mapping, PASID-cache reads) for
 *	the next access to the register page.
 * @KVM_VTD_STAT_WORK_RESUMED: register accesses that went on with work an
 *	earlier exit left.
 * @KVM_VTD_STAT_SHADOW_SLOT_UNMAPS: shadow IOAS runs unmapped because the
 *	memslot backing them was deleted.
 * @KVM_VTD_STAT_WORK_MAX: not a count: the most work one register access
 *	did, in the units of its budget (4096 per exit: a queue descriptor or
 *	a leaf found 1, a guest table page read or a host call 16; taking
 *	access away is never deferred and may exceed it).
 * @KVM_VTD_STAT_NR: number of counters this header knows about.
 *
 * New counters are only ever appended, so an index keeps its meaning.
 */
enum kvm_vtd_stat {
	KVM_VTD_STAT_REG_READS,
	KVM_VTD_STAT_REG_WRITES,
	KVM_VTD_STAT_REG_BAD_ACCESS,
	KVM_VTD_STAT_FAULTS_RECORDED,
	KVM_VTD_STAT_FAULTS_DROPPED,
	KVM_VTD_STAT_FAULT_IRQS,
	KVM_VTD_STAT_INV_IRQS,
	KVM_VTD_STAT_IRQS_FAILED,
	KVM_VTD_STAT_CC_INVALIDATIONS,
	KVM_VTD_STAT_IOTLB_INVALIDATIONS,
	KVM_VTD_STAT_REG_INV_IGNORED,
	KVM_VTD_STAT_DMAR_SWITCHES,
	KVM_VTD_STAT_QI_DESCRIPTORS,
	KVM_VTD_STAT_QI_ERRORS,
	KVM_VTD_STAT_QI_PAGES_READ,
	KVM_VTD_STAT_TRANSLATIONS,
	KVM_VTD_STAT_TRANSLATION_FAULTS,
	KVM_VTD_STAT_CTX_PAGES_READ,
	KVM_VTD_STAT_WALK_PAGES_READ,
	KVM_VTD_STAT_PASID_PAGES_READ,
	KVM_VTD_STAT_WALKS,
	KVM_VTD_STAT_WALK_LEAVES,
	KVM_VTD_STAT_PC_INVALIDATIONS,
	KVM_VTD_STAT_PIOTLB_INVALIDATIONS,
	KVM_VTD_STAT_CTX_CACHE_HITS,
	KVM_VTD_STAT_CTX_CACHE_MISSES,
	KVM_VTD_STAT_IOTLB_HITS,
	KVM_VTD_STAT_IOTLB_MISSES,
	KVM_VTD_STAT_CACHE_EVICTIONS,
	KVM_VTD_STAT_CACHE_INVALIDATED,
	KVM_VTD_STAT_QI_DRAINS,
	KVM_VTD_STAT_QI_WAITS,
	KVM_VTD_STAT_HOST_EVALS,
	KVM_VTD_STAT_HOST_ATTACHES,
	KVM_VTD_STAT_HOST_HWPT_ALLOCS,
	KVM_VTD_STAT_HOST_HWPT_DESTROYS,
	KVM_VTD_STAT_HOST_INV_CALLS,
	KVM_VTD_STAT_HOST_INV_ENTRIES,
	KVM_VTD_STAT_SHADOW_MAP_CALLS,
	KVM_VTD_STAT_SHADOW_MAP_BYTES,
	KVM_VTD_STAT_SHADOW_UNMAP_CALLS,
	KVM_VTD_STAT_SHADOW_UNMAP_BYTES,
	KVM_VTD_STAT_HOST_ERRORS,
	KVM_VTD_STAT_DEVTLB_INVALIDATIONS,
	KVM_VTD_STAT_PDEVTLB_INVALIDATIONS,
	KVM_VTD_STAT_HOST_PASID_SYNCS,
	KVM_VTD_STAT_HOST_PASID_UPDATES,
	KVM_VTD_STAT_HOST_PASID_DROPS,
	KVM_VTD_STAT_IEC_INVALIDATIONS,
	KVM_VTD_STAT_MSI_TRANSLATIONS,
	KVM_VTD_STAT_MSI_REMAPPED,
	KVM_VTD_STAT_MSI_BLOCKED,
	KVM_VTD_STAT_IEC_HITS,
	KVM_VTD_STAT_IEC_MISSES,
	KVM_VTD_STAT_IR_CHANGES,
	KVM_VTD_STAT_WORK_DEFERRED,
	KVM_VTD_STAT_WORK_RESUMED,
	KVM_VTD_STAT_SHADOW_SLOT_UNMAPS,
	KVM_VTD_STAT_WORK_MAX,
	KVM_VTD_STAT_NR,
};

/**
 * struct kvm_vtd_stats - argument of KVM_DEV_VTD_STATS
 * @nr: in: number of entries in @counters; out: number of counters the
 *	kernel has, which may be more or fewer than were asked for.
 * @flags: must be 0.
 * @counters: out: the first min(in @nr, out @nr) counters, indexed by
 *	&enum kvm_vtd_stat; entries beyond those are left untouched.
 *
 * Counters are 64-bit, start at 0 when the device is created and are not
 * reset by anything the guest does.  A snapshot is not atomic across
 * counters while vCPUs run.
 */
struct kvm_vtd_stats {
	__u32 nr;
	__u32 flags;
	__u64 counters[];
};

#endif /* _UAPI_LINUX_KVM_VTD_H */
