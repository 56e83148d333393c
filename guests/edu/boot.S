/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtd-edu: entry of the bare-metal test guest.  QEMU loads it with -kernel
 * as a multiboot (v1) ELF and enters in 32-bit protected mode, paging off.
 * This file sets up a flat GDT, a stack and an IDT whose 256 stubs all go to
 * irq_entry() in main.c with the vector number, then calls main().
 */
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000003	/* page-aligned modules, memory info */

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.text
	.globl _start
_start:
	cli
	mov %eax, %esi			/* multiboot magic */
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov $stack_top, %esp
	call idt_setup
	lidt idt_desc
	push %ebx			/* multiboot info */
	push %esi
	call main
2:	cli
	hlt
	jmp 2b

/* One stub per vector: push the vector, go to the common path. */
	.align 16
stubs:
	.set vec, 0
	.rept 256
	.align 16
	push $vec
	jmp common
	.set vec, vec + 1
	.endr

common:
	pusha
	push 32(%esp)		/* the vector */
	call irq_entry
	add $4, %esp
	popa
	add $4, %esp
	iret

/* Interrupt gates for every vector, selector 0x08, DPL 0. */
idt_setup:
	mov $idt, %edi
	mov $stubs, %eax
	mov $256, %ecx
3:	mov %eax, %edx
	and $0xffff, %edx
	or $0x00080000, %edx
	mov %edx, (%edi)
	mov %eax, %edx
	and $0xffff0000, %edx
	or $0x8e00, %edx
	mov %edx, 4(%edi)
	add $16, %eax
	add $8, %edi
	loop 3b
	ret

	.data
	.align 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: flat data */
gdt_desc:
	.word gdt_desc - gdt - 1
	.long gdt
idt_desc:
	.word 256 * 8 - 1
	.long idt

	.bss
	.align 4096
idt:
	.space 256 * 8
	.space 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
