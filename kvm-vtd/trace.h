/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-vtd tracepoints, under events/kvm_vtd/.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kvm_vtd

#if !defined(_KVM_VTD_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KVM_VTD_TRACE_H

#include <linux/tracepoint.h>

#include "spec/intremap.h"
#include "spec/regfile.h"
#include "spec/walk.h"

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

/* A guest access to the register page and the value read or written. */
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

/* A GCMD write: the command and the GSTS transition it caused. */
TRACE_EVENT(kvm_vtd_gcmd,
	    TP_PROTO(int id, u32 cmd, u32 gsts_old, u32 gsts_new),
	    TP_ARGS(id, cmd, gsts_old, gsts_new),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u32, cmd)
			     __field(u32, gsts_old)
			     __field(u32, gsts_new)),
	    TP_fast_assign(__entry->id = id;
			   __entry->cmd = cmd;
			   __entry->gsts_old = gsts_old;
			   __entry->gsts_new = gsts_new;),
	    TP_printk("vtd%d gcmd 0x%08x gsts 0x%08x -> 0x%08x", __entry->id,
		      __entry->cmd, __entry->gsts_old, __entry->gsts_new)
);

TRACE_EVENT(kvm_vtd_dmar_switch,
	    TP_PROTO(int id, int reason, u64 gen, u32 gsts, u64 rta),
	    TP_ARGS(id, reason, gen, gsts, rta),
	    TP_STRUCT__entry(__field(int, id)
			     __field(int, reason)
			     __field(u64, gen)
			     __field(u32, gsts)
			     __field(u64, rta)),
	    TP_fast_assign(__entry->id = id;
			   __entry->reason = reason;
			   __entry->gen = gen;
			   __entry->gsts = gsts;
			   __entry->rta = rta;),
	    TP_printk("vtd%d %s gen %llu gsts 0x%08x root 0x%llx", __entry->id,
		      __print_symbolic(__entry->reason,
				       { VTD_SWITCH_SRTP, "srtp" },
				       { VTD_SWITCH_TE_ON, "te-on" },
				       { VTD_SWITCH_TE_OFF, "te-off" },
				       { VTD_SWITCH_RESET, "reset" },
				       { VTD_SWITCH_RESTORE, "restore" }),
		      __entry->gen, __entry->gsts, __entry->rta)
);

/* An invalidation (register-based or queued) and its granularity. */
TRACE_EVENT(kvm_vtd_inv,
	    TP_PROTO(int id, const char *kind, const struct vtd_inv_req *inv),
	    TP_ARGS(id, kind, inv),
	    TP_STRUCT__entry(__field(int, id)
			     __string(kind, kind)
			     __field(u8, req)
			     __field(u8, actual)
			     __field(u16, did)
			     __field(u16, sid)
			     __field(u32, pasid)
			     __field(u8, am)
			     __field(u16, iidx)
			     __field(u64, addr)),
	    TP_fast_assign(__entry->id = id;
			   __assign_str(kind);
			   __entry->req = inv->req;
			   __entry->actual = inv->actual;
			   __entry->did = inv->did;
			   __entry->sid = inv->sid;
			   __entry->pasid = inv->pasid;
			   __entry->am = inv->am;
			   __entry->iidx = inv->iidx;
			   __entry->addr = inv->addr;),
	    TP_printk("vtd%d %s gran %u->%u did %u sid 0x%04x pasid %u addr 0x%llx am %u iidx %u",
		      __entry->id, __get_str(kind), __entry->req, __entry->actual,
		      __entry->did, __entry->sid, __entry->pasid, __entry->addr, __entry->am,
		      __entry->iidx)
);

/* An interrupt request through interrupt remapping (TRANSLATE_MSI). */
TRACE_EVENT(kvm_vtd_msi,
	    TP_PROTO(int id, const struct vtd_ir_req *req, const struct vtd_ir_result *res),
	    TP_ARGS(id, req, res),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u16, sid)
			     __field(u64, addr)
			     __field(u32, data)
			     __field(bool, remapped)
			     __field(bool, hit)
			     __field(u32, index)
			     __field(u8, fault)
			     __field(u64, msi_addr)
			     __field(u32, msi_data)),
	    TP_fast_assign(__entry->id = id;
			   __entry->sid = req->sid;
			   __entry->addr = req->addr;
			   __entry->data = req->data;
			   __entry->remapped = res->remapped;
			   __entry->hit = res->cache_hit;
			   __entry->index = res->index;
			   __entry->fault = res->fault;
			   __entry->msi_addr = res->msi_addr;
			   __entry->msi_data = res->msi_data;),
	    TP_printk("vtd%d sid 0x%04x 0x%llx/0x%x %s index %u%s fr %#x -> 0x%llx/0x%x",
		      __entry->id, __entry->sid, __entry->addr, __entry->data,
		      __entry->remapped ? "remap" : "compat", __entry->index,
		      __entry->hit ? " (cached)" : "", __entry->fault,
		      __entry->msi_addr, __entry->msi_data)
);

/* The interrupt remapping a VMM may have cached changed (IR_EVENTFD). */
TRACE_EVENT(kvm_vtd_ir_change,
	    TP_PROTO(int id, const char *why, u64 irta, bool signalled),
	    TP_ARGS(id, why, irta, signalled),
	    TP_STRUCT__entry(__field(int, id)
			     __string(why, why)
			     __field(u64, irta)
			     __field(bool, signalled)),
	    TP_fast_assign(__entry->id = id;
			   __assign_str(why);
			   __entry->irta = irta;
			   __entry->signalled = signalled;),
	    TP_printk("vtd%d %s irta 0x%llx%s", __entry->id, __get_str(why), __entry->irta,
		      __entry->signalled ? " eventfd" : "")
);

/* An event interrupt sent to the irqchip; rc < 0 is a refused message. */
TRACE_EVENT(kvm_vtd_irq,
	    TP_PROTO(int id, const char *kind, u64 addr, u32 data, int rc),
	    TP_ARGS(id, kind, addr, data, rc),
	    TP_STRUCT__entry(__field(int, id)
			     __string(kind, kind)
			     __field(u64, addr)
			     __field(u32, data)
			     __field(int, rc)),
	    TP_fast_assign(__entry->id = id;
			   __assign_str(kind);
			   __entry->addr = addr;
			   __entry->data = data;
			   __entry->rc = rc;),
	    TP_printk("vtd%d %s msi addr 0x%llx data 0x%x rc %d", __entry->id,
		      __get_str(kind), __entry->addr, __entry->data, __entry->rc)
);

/* A primary fault and the record it went to (< 0: not recorded). */
TRACE_EVENT(kvm_vtd_fault,
	    TP_PROTO(int id, const struct vtd_fault *f, int idx),
	    TP_ARGS(id, f, idx),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u16, sid)
			     __field(u8, reason)
			     __field(u8, type)
			     __field(u64, addr)
			     __field(int, idx)),
	    TP_fast_assign(__entry->id = id;
			   __entry->sid = f->sid;
			   __entry->reason = f->reason;
			   __entry->type = f->type;
			   __entry->addr = f->addr;
			   __entry->idx = idx;),
	    TP_printk("vtd%d sid 0x%04x fr 0x%x type %u addr 0x%llx -> %s%d",
		      __entry->id, __entry->sid, __entry->reason, __entry->type,
		      __entry->addr, __entry->idx < 0 ? "dropped " : "frcd ",
		      __entry->idx)
);

/* One invalidation queue descriptor; err is its IQEI code, 0 if valid. */
TRACE_EVENT(kvm_vtd_qi_desc,
	    TP_PROTO(int id, u64 iqh, u64 lo, u64 hi, int err),
	    TP_ARGS(id, iqh, lo, hi, err),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u64, iqh)
			     __field(u64, lo)
			     __field(u64, hi)
			     __field(int, err)),
	    TP_fast_assign(__entry->id = id;
			   __entry->iqh = iqh;
			   __entry->lo = lo;
			   __entry->hi = hi;
			   __entry->err = err;),
	    TP_printk("vtd%d iqh 0x%llx desc 0x%016llx:%016llx iqei %d", __entry->id,
		      __entry->iqh, __entry->hi, __entry->lo, __entry->err)
);

/* A translation: request, result, and table pages read. */
TRACE_EVENT(kvm_vtd_translate,
	    TP_PROTO(int id, const struct vtd_xlate *x),
	    TP_ARGS(id, x),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u16, sid)
			     __field(u32, pasid)
			     __field(bool, write)
			     __field(bool, priv)
			     __field(u8, mode)
			     __field(u64, iova)
			     __field(u64, gpa)
			     __field(u64, size)
			     __field(u8, perm)
			     __field(u8, fault)
			     __field(u32, ctx_pages)
			     __field(u32, pasid_pages)
			     __field(u32, walk_pages)),
	    TP_fast_assign(__entry->id = id;
			   __entry->sid = x->sid;
			   __entry->pasid = x->pasid_present ? x->pasid : -1;
			   __entry->write = x->write;
			   __entry->priv = x->priv;
			   __entry->mode = x->mode;
			   __entry->iova = x->iova;
			   __entry->gpa = x->gpa;
			   __entry->size = x->size;
			   __entry->perm = x->perm;
			   __entry->fault = x->fault;
			   __entry->ctx_pages = x->ctx_pages;
			   __entry->pasid_pages = x->pasid_pages;
			   __entry->walk_pages = x->walk_pages;),
	    TP_printk("vtd%d sid 0x%04x pasid %d %s%s 0x%llx -> 0x%llx size 0x%llx perm %u mode %u fr %#x pages %u+%u+%u",
		      __entry->id, __entry->sid, (int)__entry->pasid,
		      __entry->priv ? "priv " : "", __entry->write ? "write" : "read",
		      __entry->iova, __entry->gpa, __entry->size, __entry->perm,
		      __entry->mode, __entry->fault, __entry->ctx_pages,
		      __entry->pasid_pages, __entry->walk_pages)
);

/* The page walk, mirroring QEMU's vtd_page_walk* events. */
TRACE_EVENT(kvm_vtd_walk,
	    TP_PROTO(u32 id, u64 root, unsigned int levels, bool first_stage, u64 first,
		     u64 last),
	    TP_ARGS(id, root, levels, first_stage, first, last),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u64, root)
			     __field(u8, levels)
			     __field(bool, first_stage)
			     __field(u64, first)
			     __field(u64, last)),
	    TP_fast_assign(__entry->id = id;
			   __entry->root = root;
			   __entry->levels = levels;
			   __entry->first_stage = first_stage;
			   __entry->first = first;
			   __entry->last = last;),
	    TP_printk("vtd%u %s-stage root 0x%llx levels %u range 0x%llx-0x%llx",
		      __entry->id, __entry->first_stage ? "first" : "second",
		      __entry->root, __entry->levels, __entry->first, __entry->last)
);

TRACE_EVENT(kvm_vtd_walk_level,
	    TP_PROTO(u32 id, unsigned int level, u64 table, u64 first, u64 last),
	    TP_ARGS(id, level, table, first, last),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u8, level)
			     __field(u64, table)
			     __field(u64, first)
			     __field(u64, last)),
	    TP_fast_assign(__entry->id = id;
			   __entry->level = level;
			   __entry->table = table;
			   __entry->first = first;
			   __entry->last = last;),
	    TP_printk("vtd%u level %u table 0x%llx range 0x%llx-0x%llx", __entry->id,
		      __entry->level, __entry->table, __entry->first, __entry->last)
);

TRACE_EVENT(kvm_vtd_walk_leaf,
	    TP_PROTO(u32 id, const struct vtd_leaf *leaf),
	    TP_ARGS(id, leaf),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u64, iova)
			     __field(u64, gpa)
			     __field(u64, size)
			     __field(u8, perm)
			     __field(u8, level)),
	    TP_fast_assign(__entry->id = id;
			   __entry->iova = leaf->iova;
			   __entry->gpa = leaf->gpa;
			   __entry->size = leaf->size;
			   __entry->perm = leaf->perm;
			   __entry->level = leaf->level;),
	    TP_printk("vtd%u leaf 0x%llx -> 0x%llx size 0x%llx perm %u level %u",
		      __entry->id, __entry->iova, __entry->gpa, __entry->size,
		      __entry->perm, __entry->level)
);

TRACE_EVENT(kvm_vtd_walk_skip,
	    TP_PROTO(u32 id, unsigned int level, u64 iova, u64 size),
	    TP_ARGS(id, level, iova, size),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u8, level)
			     __field(u64, iova)
			     __field(u64, size)),
	    TP_fast_assign(__entry->id = id;
			   __entry->level = level;
			   __entry->iova = iova;
			   __entry->size = size;),
	    TP_printk("vtd%u skip level %u 0x%llx size 0x%llx", __entry->id,
		      __entry->level, __entry->iova, __entry->size)
);

/* A write the unit did or took, to an address or register, and its result. */
DECLARE_EVENT_CLASS(kvm_vtd_store,
		    TP_PROTO(int id, u64 where, u64 val, int rc),
		    TP_ARGS(id, where, val, rc),
		    TP_STRUCT__entry(__field(int, id)
				     __field(u64, where)
				     __field(u64, val)
				     __field(int, rc)),
		    TP_fast_assign(__entry->id = id;
				   __entry->where = where;
				   __entry->val = val;
				   __entry->rc = rc;),
		    TP_printk("vtd%d 0x%llx = 0x%llx rc %d", __entry->id,
			      __entry->where, __entry->val, __entry->rc)
);

/* An invalidation wait descriptor's status write into guest memory. */
DEFINE_EVENT_PRINT(kvm_vtd_store, kvm_vtd_qi_wait,
		   TP_PROTO(int id, u64 where, u64 val, int rc),
		   TP_ARGS(id, where, val, rc),
		   TP_printk("vtd%d status write 0x%llx to 0x%llx rc %d", __entry->id,
			     __entry->val, __entry->where, __entry->rc));

/* A KVM_DEV_VTD_GRP_REGS restore after INIT: register, value, result. */
DEFINE_EVENT(kvm_vtd_store, kvm_vtd_restore,
	     TP_PROTO(int id, u64 where, u64 val, int rc),
	     TP_ARGS(id, where, val, rc));

/*
 * An exit ran out of its work budget and left work (@defer true), or an
 * access goes on with it (false): where the queue stands, whether host
 * programming is left.
 */
TRACE_EVENT(kvm_vtd_defer,
	    TP_PROTO(int id, bool defer, u64 iqh, bool host),
	    TP_ARGS(id, defer, iqh, host),
	    TP_STRUCT__entry(__field(int, id)
			     __field(bool, defer)
			     __field(u64, iqh)
			     __field(bool, host)),
	    TP_fast_assign(__entry->id = id;
			   __entry->defer = defer;
			   __entry->iqh = iqh;
			   __entry->host = host),
	    TP_printk("vtd%d %s iqh 0x%llx host %d", __entry->id,
		      __entry->defer ? "defer" : "resume", __entry->iqh, __entry->host));

/*
 * An assigned device's host attachment changes: to the nesting parent (0),
 * a nested HWPT (1) or the shadow IOAS (2), by ID (@pt_id -> the HWPT).
 */
TRACE_EVENT(kvm_vtd_host_attach,
	    TP_PROTO(int id, u16 sid, u16 mode, u32 pt_id, u32 hwpt_id, int rc),
	    TP_ARGS(id, sid, mode, pt_id, hwpt_id, rc),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u16, sid)
			     __field(u16, mode)
			     __field(u32, pt_id)
			     __field(u32, hwpt_id)
			     __field(int, rc)),
	    TP_fast_assign(__entry->id = id;
			   __entry->sid = sid;
			   __entry->mode = mode;
			   __entry->pt_id = pt_id;
			   __entry->hwpt_id = hwpt_id;
			   __entry->rc = rc;),
	    TP_printk("vtd%d sid %04x to %s pt %u -> hwpt %u rc %d", __entry->id,
		      __entry->sid,
		      __print_symbolic(__entry->mode, { 0, "parent" }, { 1, "nested" },
				       { 2, "ioas" }),
		      __entry->pt_id, __entry->hwpt_id, __entry->rc)
);

/* An assigned device's PASID-cache entry added, changed or dropped. */
TRACE_EVENT(kvm_vtd_host_pasid,
	    TP_PROTO(int id, u16 sid, u32 pasid, const char *what, u8 pgtt, u16 did, u64 pgtbl),
	    TP_ARGS(id, sid, pasid, what, pgtt, did, pgtbl),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u16, sid)
			     __field(u32, pasid)
			     __string(what, what)
			     __field(u8, pgtt)
			     __field(u16, did)
			     __field(u64, pgtbl)),
	    TP_fast_assign(__entry->id = id;
			   __entry->sid = sid;
			   __entry->pasid = pasid;
			   __assign_str(what);
			   __entry->pgtt = pgtt;
			   __entry->did = did;
			   __entry->pgtbl = pgtbl;),
	    TP_printk("vtd%d sid %04x pasid %u %s pgtt %u did %u table 0x%llx", __entry->id,
		      __entry->sid, __entry->pasid, __get_str(what), __entry->pgtt,
		      __entry->did, __entry->pgtbl)
);

/* Host iommufd object calls: nested HWPT alloc/destroy, invalidation. */
TRACE_EVENT(kvm_vtd_host_call,
	    TP_PROTO(int id, u16 sid, const char *what, u32 obj, u64 arg, int rc),
	    TP_ARGS(id, sid, what, obj, arg, rc),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u16, sid)
			     __string(what, what)
			     __field(u32, obj)
			     __field(u64, arg)
			     __field(int, rc)),
	    TP_fast_assign(__entry->id = id;
			   __entry->sid = sid;
			   __assign_str(what);
			   __entry->obj = obj;
			   __entry->arg = arg;
			   __entry->rc = rc;),
	    TP_printk("vtd%d sid %04x %s %u arg 0x%llx rc %d", __entry->id, __entry->sid,
		      __get_str(what), __entry->obj, __entry->arg, __entry->rc)
);

/* Shadow IOAS maps and unmaps. */
TRACE_EVENT(kvm_vtd_shadow,
	    TP_PROTO(int id, u16 sid, bool map, u64 iova, u64 len, u64 hva, int rc),
	    TP_ARGS(id, sid, map, iova, len, hva, rc),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u16, sid)
			     __field(bool, map)
			     __field(u64, iova)
			     __field(u64, len)
			     __field(u64, hva)
			     __field(int, rc)),
	    TP_fast_assign(__entry->id = id;
			   __entry->sid = sid;
			   __entry->map = map;
			   __entry->iova = iova;
			   __entry->len = len;
			   __entry->hva = hva;
			   __entry->rc = rc;),
	    TP_printk("vtd%d sid %04x %s iova 0x%llx len 0x%llx hva 0x%llx rc %d",
		      __entry->id, __entry->sid, __entry->map ? "map" : "unmap",
		      __entry->iova, __entry->len, __entry->hva, __entry->rc)
);

#endif /* _KVM_VTD_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
