;; settlement: a confidential-settlement escrow (spec/vm.md §7).
;;
;; A payer locks funds in an escrow together with a commitment to a hidden amount; the
;; escrow is released to the payee only on a valid PLONK proof that the payee's commitment
;; hides the same amount (public inputs: the two commitments), else refunded to the payer
;; after a deadline. The proof is checked by the verify_plonk host query; the circuit is
;; duskspec.runtime.circuits.settlement (commitments Poseidon(amount, blinder)).
;;
;; Memory: 2 pages; page 1 is the argument buffer at A.
;;
;;   0      u64[64]      balances of accounts 0..63
;;   1024   escrow[16]   64 bytes each: +0 status u8 (0 free, 1 open, 2 released,
;;                       3 refunded), +1 payer u8, +2 payee u8, +8 amount u64,
;;                       +16 deadline u64 (block height), +24 commitment [32]
;;   3000   [32]         scratch: the payee's commitment
;;   4096.. topics, panic messages and host names (data segments below)
;;
;; Arguments (little-endian, spec/vm.md §1.3):
;;   init(supply u64)                         account 0 gets the supply
;;   balance(account u8) -> u64
;;   escrow(index u8) -> the 56-byte record
;;   open(index u8, payer u8, payee u8, amount u64, deadline u64, commitment [32])
;;   release(index u8, commitment [32], verifier_key (u32-prefixed), proof (u32-prefixed))
;;   refund(index u8)                         after the deadline, back to the payer
(module
  (import "env" "hq" (func $hq (param i32 i32 i32) (result i32)))
  (import "env" "hd" (func $hd (param i32 i32) (result i32)))
  (import "env" "emit" (func $emit (param i32 i32 i32)))
  (import "env" "panic" (func $panic (param i32)))
  (memory (export "memory") 2)
  (global $A (export "A") i32 (i32.const 65536))
  (data (i32.const 4096) "opened")
  (data (i32.const 4112) "released")
  (data (i32.const 4128) "refunded")
  (data (i32.const 4160) "insufficient balance")
  (data (i32.const 4192) "escrow not open")
  (data (i32.const 4224) "invalid proof")
  (data (i32.const 4256) "too early")
  (data (i32.const 4288) "verify_plonk")
  (data (i32.const 4320) "block_height")
  (data (i32.const 4352) "escrow in use")

  ;; panic with the message of $len bytes at $at
  (func $fail (param $at i32) (param $len i32)
    global.get $A
    local.get $at
    local.get $len
    memory.copy
    local.get $len
    call $panic)

  (func $slot (param $i i32) (result i32)
    local.get $i
    i32.const 63
    i32.and
    i32.const 8
    i32.mul)

  (func $record (param $i i32) (result i32)
    local.get $i
    i32.const 15
    i32.and
    i32.const 64
    i32.mul
    i32.const 1024
    i32.add)

  ;; add $amount to account $i
  (func $credit (param $i i32) (param $amount i64)
    local.get $i
    call $slot
    local.get $i
    call $slot
    i64.load
    local.get $amount
    i64.add
    i64.store)

  ;; emit $topic ($len bytes) with the escrow index as data
  (func $announce (param $topic i32) (param $len i32) (param $index i32)
    global.get $A
    local.get $index
    i32.store8
    local.get $topic
    local.get $len
    i32.const 1
    call $emit)

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

  (func (export "escrow") (param $len i32) (result i32)
    global.get $A
    global.get $A
    i32.load8_u
    call $record
    i32.const 56
    memory.copy
    i32.const 56)

  (func (export "open") (param $len i32) (result i32)
    (local $index i32) (local $rec i32) (local $payer i32) (local $amount i64)
    global.get $A
    i32.load8_u
    local.tee $index
    call $record
    local.tee $rec
    i32.load8_u
    if
      i32.const 4352
      i32.const 13
      call $fail
    end
    global.get $A
    i32.load8_u offset=1
    local.set $payer
    global.get $A
    i64.load offset=3
    local.set $amount
    local.get $payer
    call $slot
    i64.load
    local.get $amount
    i64.lt_u
    if
      i32.const 4160
      i32.const 20
      call $fail
    end
    local.get $payer
    i64.const 0
    local.get $amount
    i64.sub
    call $credit
    local.get $rec
    i32.const 1
    i32.store8
    local.get $rec
    local.get $payer
    i32.store8 offset=1
    local.get $rec
    global.get $A
    i32.load8_u offset=2
    i32.store8 offset=2
    local.get $rec
    local.get $amount
    i64.store offset=8
    local.get $rec
    global.get $A
    i64.load offset=11
    i64.store offset=16
    local.get $rec
    i32.const 24
    i32.add
    global.get $A
    i32.const 19
    i32.add
    i32.const 32
    memory.copy
    i32.const 4096
    i32.const 6
    local.get $index
    call $announce
    i32.const 0)

  (func (export "release") (param $len i32) (result i32)
    (local $index i32) (local $rec i32) (local $rest i32) (local $answer i32)
    global.get $A
    i32.load8_u
    local.tee $index
    call $record
    local.tee $rec
    i32.load8_u
    i32.const 1
    i32.ne
    if
      i32.const 4192
      i32.const 15
      call $fail
    end
    ;; the payee's commitment to scratch, then the key and proof to the buffer's start
    i32.const 3000
    global.get $A
    i32.const 1
    i32.add
    i32.const 32
    memory.copy
    local.get $len
    i32.const 33
    i32.sub
    local.set $rest
    global.get $A
    global.get $A
    i32.const 33
    i32.add
    local.get $rest
    memory.copy
    ;; public inputs: count 2, the escrow's commitment, the payee's commitment
    global.get $A
    local.get $rest
    i32.add
    i32.const 2
    i32.store
    global.get $A
    local.get $rest
    i32.add
    i32.const 4
    i32.add
    local.get $rec
    i32.const 24
    i32.add
    i32.const 32
    memory.copy
    global.get $A
    local.get $rest
    i32.add
    i32.const 36
    i32.add
    i32.const 3000
    i32.const 32
    memory.copy
    i32.const 4288
    i32.const 12
    local.get $rest
    i32.const 68
    i32.add
    call $hq
    drop
    global.get $A
    i32.load8_u
    i32.eqz
    if
      i32.const 4224
      i32.const 13
      call $fail
    end
    local.get $rec
    i32.const 2
    i32.store8
    local.get $rec
    i32.load8_u offset=2
    local.get $rec
    i64.load offset=8
    call $credit
    i32.const 4112
    i32.const 8
    local.get $index
    call $announce
    i32.const 0)

  (func (export "refund") (param $len i32) (result i32)
    (local $index i32) (local $rec i32)
    global.get $A
    i32.load8_u
    local.tee $index
    call $record
    local.tee $rec
    i32.load8_u
    i32.const 1
    i32.ne
    if
      i32.const 4192
      i32.const 15
      call $fail
    end
    i32.const 4320
    i32.const 12
    call $hd
    drop
    global.get $A
    i64.load
    local.get $rec
    i64.load offset=16
    i64.le_u
    if
      i32.const 4256
      i32.const 9
      call $fail
    end
    local.get $rec
    i32.const 3
    i32.store8
    local.get $rec
    i32.load8_u offset=1
    local.get $rec
    i64.load offset=8
    call $credit
    i32.const 4128
    i32.const 8
    local.get $index
    call $announce
    i32.const 0)
)
