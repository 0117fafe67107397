;; vault: a wasm contract that pays out of its transfer-contract balance (spec/runtime.md §11).
;;
;; It calls the genesis transfer contract (id 0x01 followed by 31 zero bytes) through the
;; ordinary inter-contract call `c`, with the usual gas pass-on (limit 0: 93 % of what is
;; left). Memory: 2 pages; page 1 is the argument buffer (global A).
;;
;;   0    the transfer contract's id (32 bytes)
;;   32   "withdraw"           (8 bytes)
;;   48   "contract_balance"   (16 bytes)
;;   64   u64  how many withdrawals this vault has forwarded (its own state)
;;   80   "deposit"            (7 bytes)
(module
  (import "env" "c" (func $c (param i32 i32 i32 i32 i64) (result i32)))
  (import "env" "panic" (func $panic (param i32)))
  (import "env" "self_id" (func $self_id))
  (memory (export "memory") 2)
  (global $A (export "A") i32 (i32.const 65536))
  (data (i32.const 0) "\01")
  (data (i32.const 32) "withdraw")
  (data (i32.const 48) "contract_balance")
  (data (i32.const 80) "deposit")

  ;; withdraw(w: Withdraw) -> (): counts, then forwards its argument to transfer.withdraw;
  ;; when that fails, panics with the callee's error code (16 bytes of the buffer), which
  ;; undoes the count too.
  (func (export "withdraw") (param $len i32) (result i32)
    (local $r i32)
    i32.const 64
    i32.const 64
    i64.load
    i64.const 1
    i64.add
    i64.store
    i32.const 0
    i32.const 32
    i32.const 8
    local.get $len
    i64.const 0
    call $c
    local.tee $r
    i32.const 0
    i32.lt_s
    if
      i32.const 16
      call $panic
    end
    local.get $r)

  ;; try_withdraw(w: Withdraw) -> i32: forwards to transfer.withdraw and returns what `c`
  ;; returned (0 or a negative failure) instead of panicking.
  (func (export "try_withdraw") (param $len i32) (result i32)
    (local $r i32)
    i32.const 0
    i32.const 32
    i32.const 8
    local.get $len
    i64.const 0
    call $c
    local.set $r
    global.get $A
    local.get $r
    i32.store
    i32.const 4)

  ;; withdraw_then_trap(w: Withdraw): forwards to transfer.withdraw, then traps: the
  ;; withdrawal that succeeded is undone with the failed frame.
  (func (export "withdraw_then_trap") (param $len i32) (result i32)
    i32.const 0
    i32.const 32
    i32.const 8
    local.get $len
    i64.const 0
    call $c
    drop
    unreachable)

  ;; deposit(value u64): claims the transaction's deposit with transfer.deposit; panics when
  ;; the claim is refused.
  (func (export "deposit") (param $len i32) (result i32)
    (local $r i32)
    i32.const 0
    i32.const 80
    i32.const 7
    local.get $len
    i64.const 0
    call $c
    local.tee $r
    i32.const 0
    i32.lt_s
    if
      i32.const 16
      call $panic
    end
    local.get $r)

  ;; balance() -> u64: transfer.contract_balance(self_id()).
  (func (export "balance") (param $len i32) (result i32)
    call $self_id
    i32.const 0
    i32.const 48
    i32.const 16
    i32.const 32
    i64.const 0
    call $c)

  ;; count() -> u64: how many withdrawals went through.
  (func (export "count") (param $len i32) (result i32)
    global.get $A
    i32.const 64
    i64.load
    i64.store
    i32.const 8)
)
