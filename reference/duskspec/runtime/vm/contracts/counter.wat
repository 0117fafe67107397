;; counter: the smallest useful contract (spec/vm.md §7).
;;
;; Memory: 2 pages. Page 0 holds the state, page 1 is the 64 KiB argument buffer whose
;; address is the exported global A. Every callable function has type (arg_len) -> out_len.
;;
;;   0      u64   the counter
;;   64     "incremented"   the event topic (11 bytes)
;;   128    "counter panicked" the panic message (16 bytes)
;;
;; Besides the counter itself it has functions that misbehave on purpose, so the VM's safety
;; rules can be shown on it: spin (never returns), fail (traps), panic_now (panics), grow and
;; try_grow (memory growth), peek and poke (read/write one byte of its own memory).
;; Instructions are written flat, one per line.
(module
  (import "env" "emit" (func $emit (param i32 i32 i32)))
  (import "env" "panic" (func $panic (param i32)))
  (memory (export "memory") 2)
  (global $A (export "A") i32 (i32.const 65536))
  (data (i32.const 64) "incremented")
  (data (i32.const 128) "counter panicked")

  ;; init(value u64): the starting value.
  (func (export "init") (param $len i32) (result i32)
    i32.const 0
    global.get $A
    i64.load
    i64.store
    i32.const 0)

  ;; read_value() -> u64
  (func (export "read_value") (param $len i32) (result i32)
    global.get $A
    i32.const 0
    i64.load
    i64.store
    i32.const 8)

  ;; increment() -> u64 (the new value); emits "incremented" with the new value.
  (func (export "increment") (param $len i32) (result i32)
    i32.const 0
    i32.const 0
    i64.load
    i64.const 1
    i64.add
    i64.store
    global.get $A
    i32.const 0
    i64.load
    i64.store
    i32.const 64
    i32.const 11
    i32.const 8
    call $emit
    i32.const 8)

  ;; add(delta u64) -> u64 (the new value)
  (func (export "add") (param $len i32) (result i32)
    i32.const 0
    i32.const 0
    i64.load
    global.get $A
    i64.load
    i64.add
    i64.store
    global.get $A
    i32.const 0
    i64.load
    i64.store
    i32.const 8)

  ;; spin(): adds 1000, then loops forever (stops only when the gas runs out).
  (func (export "spin") (param $len i32) (result i32)
    i32.const 0
    i32.const 0
    i64.load
    i64.const 1000
    i64.add
    i64.store
    (loop $forever
      br $forever)
    i32.const 0)

  ;; fail(): adds 1, then traps (unreachable).
  (func (export "fail") (param $len i32) (result i32)
    i32.const 0
    i32.const 0
    i64.load
    i64.const 1
    i64.add
    i64.store
    unreachable)

  ;; panic_now(): adds 1, then panics with "counter panicked".
  (func (export "panic_now") (param $len i32) (result i32)
    i32.const 0
    i32.const 0
    i64.load
    i64.const 1
    i64.add
    i64.store
    global.get $A
    i32.const 128
    i32.const 16
    memory.copy
    i32.const 16
    call $panic
    i32.const 0)

  ;; grow(pages u32) -> u32 (the old size in pages); traps when the memory cannot grow,
  ;; as a Rust contract's allocator does.
  (func (export "grow") (param $len i32) (result i32)
    (local $old i32)
    global.get $A
    i32.load
    memory.grow
    local.tee $old
    i32.const -1
    i32.eq
    if
      unreachable
    end
    global.get $A
    local.get $old
    i32.store
    i32.const 4)

  ;; try_grow(pages u32) -> i32: what memory.grow answers, -1 included.
  (func (export "try_grow") (param $len i32) (result i32)
    (local $old i32)
    global.get $A
    i32.load
    memory.grow
    local.set $old
    global.get $A
    local.get $old
    i32.store
    i32.const 4)

  ;; peek(address u32) -> u8: one byte of this contract's memory.
  (func (export "peek") (param $len i32) (result i32)
    global.get $A
    global.get $A
    i32.load
    i32.load8_u
    i32.store8
    i32.const 1)

  ;; poke(address u32, value u8): writes one byte of this contract's memory.
  (func (export "poke") (param $len i32) (result i32)
    global.get $A
    i32.load
    global.get $A
    i32.load8_u offset=4
    i32.store8
    i32.const 0)
)
