;; ledger: balances in memory, inter-contract calls, host queries and metadata (spec/vm.md §7).
;;
;; Memory: 2 pages; page 1 is the argument buffer at A.
;;
;;   0      u64[64]  balances of accounts 0..63
;;   1024   u64      how many times call_counter ran (its write before the call)
;;   1032   i32      what the last inner call returned
;;   2048   [32]     scratch: a callee's contract id
;;   2112   [64]     scratch: a function name
;;   4096   "transfer"             the event topic (8 bytes)
;;   4160   "insufficient balance" the panic message (20 bytes)
;;   4224   "after the call"       the panic message of call_counter_then_panic (14 bytes)
;;
;; Arguments (little-endian, spec/vm.md §1.3):
;;   init(supply u64)                      account 0 gets the supply
;;   balance(account u8) -> u64
;;   transfer(from u8, to u8, amount u64)  panics if from has less; emits "transfer"
;;   call_counter(callee [32], gas_limit u64, name_len u8, name, argument..) -> i32 ‖ output
;;   call_counter_then_panic(same)         the same call, then a panic
;;   query(arguments.., name, name_len u8) -> the host query's answer
;;   meta(name..)                          -> the host metadata's answer
;;   whoami() -> self [32] ‖ has_caller u8 ‖ caller [32]?
;;   gas() -> limit u64 ‖ spent u64
;;   peek(address u32) -> u8
(module
  (import "env" "c" (func $c (param i32 i32 i32 i32 i64) (result i32)))
  (import "env" "hq" (func $hq (param i32 i32 i32) (result i32)))
  (import "env" "hd" (func $hd (param i32 i32) (result i32)))
  (import "env" "emit" (func $emit (param i32 i32 i32)))
  (import "env" "caller" (func $caller (result i32)))
  (import "env" "self_id" (func $self_id))
  (import "env" "limit" (func $limit (result i64)))
  (import "env" "spent" (func $spent (result i64)))
  (import "env" "panic" (func $panic (param i32)))
  (memory (export "memory") 2)
  (global $A (export "A") i32 (i32.const 65536))
  (data (i32.const 4096) "transfer")
  (data (i32.const 4160) "insufficient balance")
  (data (i32.const 4224) "after the call")

  ;; the address of account $i's balance (the index is taken mod 64)
  (func $slot (param $i i32) (result i32)
    local.get $i
    i32.const 63
    i32.and
    i32.const 8
    i32.mul)

  (func (export "init") (param $len i32) (result i32)
    i32.const 0
    global.get $A
    i64.load
    i64.store
    i32.const 0)

  (func (export "balance") (param $len i32) (result i32)
    global.get $A
    global.get $A
    i32.load8_u
    call $slot
    i64.load
    i64.store
    i32.const 8)

  (func (export "transfer") (param $len i32) (result i32)
    (local $from i32) (local $to i32) (local $amount i64)
    global.get $A
    i32.load8_u
    call $slot
    local.set $from
    global.get $A
    i32.load8_u offset=1
    call $slot
    local.set $to
    global.get $A
    i64.load offset=2
    local.set $amount
    local.get $from
    i64.load
    local.get $amount
    i64.lt_u
    if
      global.get $A
      i32.const 4160
      i32.const 20
      memory.copy
      i32.const 20
      call $panic
    end
    local.get $from
    local.get $from
    i64.load
    local.get $amount
    i64.sub
    i64.store
    local.get $to
    local.get $to
    i64.load
    local.get $amount
    i64.add
    i64.store
    i32.const 4096
    i32.const 8
    i32.const 10
    call $emit
    i32.const 0)

  ;; the shared body of call_counter and call_counter_then_panic
  (func $call_counter (param $len i32) (result i32)
    (local $name_len i32) (local $inner i32) (local $ret i32)
    ;; the caller's own write, before the call
    i32.const 1024
    i32.const 1024
    i64.load
    i64.const 1
    i64.add
    i64.store
    ;; callee id and name to scratch
    i32.const 2048
    global.get $A
    i32.const 32
    memory.copy
    global.get $A
    i32.load8_u offset=40
    local.set $name_len
    i32.const 2112
    global.get $A
    i32.const 41
    i32.add
    local.get $name_len
    memory.copy
    ;; the inner argument to the start of the buffer
    local.get $len
    i32.const 41
    i32.sub
    local.get $name_len
    i32.sub
    local.set $inner
    global.get $A
    global.get $A
    i32.const 41
    i32.add
    local.get $name_len
    i32.add
    local.get $inner
    memory.copy
    ;; the call
    i32.const 2048
    i32.const 2112
    local.get $name_len
    local.get $inner
    global.get $A
    i64.load offset=32
    call $c
    local.set $ret
    i32.const 1032
    local.get $ret
    i32.store
    local.get $ret
    i32.const 0
    i32.lt_s
    if
      global.get $A
      local.get $ret
      i32.store
      i32.const 4
      return
    end
    ;; output: ret ‖ the callee's output
    global.get $A
    i32.const 4
    i32.add
    global.get $A
    local.get $ret
    memory.copy
    global.get $A
    local.get $ret
    i32.store
    local.get $ret
    i32.const 4
    i32.add)

  (func (export "call_counter") (param $len i32) (result i32)
    local.get $len
    call $call_counter)

  (func (export "call_counter_then_panic") (param $len i32) (result i32)
    local.get $len
    call $call_counter
    drop
    global.get $A
    i32.const 4224
    i32.const 14
    memory.copy
    i32.const 14
    call $panic
    i32.const 0)

  ;; query: the name and its length sit at the end, so the arguments are already in place
  ;; at the start of the buffer and nothing is copied.
  (func (export "query") (param $len i32) (result i32)
    (local $name_len i32) (local $args i32)
    global.get $A
    local.get $len
    i32.add
    i32.const 1
    i32.sub
    i32.load8_u
    local.set $name_len
    local.get $len
    i32.const 1
    i32.sub
    local.get $name_len
    i32.sub
    local.set $args
    global.get $A
    local.get $args
    i32.add
    local.get $name_len
    local.get $args
    call $hq)

  ;; meta: the name is the whole argument; hd reads it before writing the answer.
  (func (export "meta") (param $len i32) (result i32)
    global.get $A
    local.get $len
    call $hd)

  (func (export "whoami") (param $len i32) (result i32)
    (local $has i32)
    call $caller
    local.tee $has
    if
      i32.const 2048
      global.get $A
      i32.const 32
      memory.copy
    end
    call $self_id
    global.get $A
    local.get $has
    i32.store8 offset=32
    local.get $has
    if
      global.get $A
      i32.const 33
      i32.add
      i32.const 2048
      i32.const 32
      memory.copy
    end
    local.get $has
    i32.const 32
    i32.mul
    i32.const 33
    i32.add)

  (func (export "gas") (param $len i32) (result i32)
    global.get $A
    call $limit
    i64.store
    global.get $A
    call $spent
    i64.store offset=8
    i32.const 16)

  (func (export "peek") (param $len i32) (result i32)
    global.get $A
    global.get $A
    i32.load
    i32.load8_u
    i32.store8
    i32.const 1)
)
