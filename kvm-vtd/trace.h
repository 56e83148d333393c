/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-vtd tracepoints, under events/kvm_vtd/.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kvm_vtd

#if !defined(_KVM_VTD_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KVM_VTD_TRACE_H

#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(kvm_vtd_unit,
		    TP_PROTO(int id),
		    TP_ARGS(id),
		    TP_STRUCT__entry(__field(int, id)),
		    TP_fast_assign(__entry->id = id;),
		    TP_printk("vtd%d", __entry->id)
);

DEFINE_EVENT(kvm_vtd_unit, kvm_vtd_create, TP_PROTO(int id), TP_ARGS(id));
DEFINE_EVENT(kvm_vtd_unit, kvm_vtd_release, TP_PROTO(int id), TP_ARGS(id));

TRACE_EVENT(kvm_vtd_init,
	    TP_PROTO(int id, u64 regs_gpa),
	    TP_ARGS(id, regs_gpa),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u64, regs_gpa)),
	    TP_fast_assign(__entry->id = id;
			   __entry->regs_gpa = regs_gpa;),
	    TP_printk("vtd%d regs at 0x%llx", __entry->id, __entry->regs_gpa)
);

/* A guest access to the register page; @val is the value of a write. */
DECLARE_EVENT_CLASS(kvm_vtd_access,
		    TP_PROTO(int id, bool write, u32 offset, int len, u64 val),
		    TP_ARGS(id, write, offset, len, val),
		    TP_STRUCT__entry(__field(int, id)
				     __field(bool, write)
				     __field(u32, offset)
				     __field(int, len)
				     __field(u64, val)),
		    TP_fast_assign(__entry->id = id;
				   __entry->write = write;
				   __entry->offset = offset;
				   __entry->len = len;
				   __entry->val = val;),
		    TP_printk("vtd%d %s off 0x%03x len %d val 0x%llx", __entry->id,
			      __entry->write ? "write" : "read", __entry->offset,
			      __entry->len, __entry->val)
);

DEFINE_EVENT(kvm_vtd_access, kvm_vtd_mmio,
	     TP_PROTO(int id, bool write, u32 offset, int len, u64 val),
	     TP_ARGS(id, write, offset, len, val));

/* An access inside the page that is not an aligned dword/qword: dropped. */
DEFINE_EVENT_PRINT(kvm_vtd_access, kvm_vtd_mmio_bad,
		   TP_PROTO(int id, bool write, u32 offset, int len, u64 val),
		   TP_ARGS(id, write, offset, len, val),
		   TP_printk("vtd%d dropped %s off 0x%03x len %d", __entry->id,
			     __entry->write ? "write" : "read", __entry->offset,
			     __entry->len));

#endif /* _KVM_VTD_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
