// Bit streams, least significant bit first: bit i of the stream is bit i%8 of
// byte i/8. Writers append to a std::string; readers are bounds-checked by
// their callers through bits_left().
#ifndef TSDB_CORE_UTIL_BIT_STREAM_H_
#define TSDB_CORE_UTIL_BIT_STREAM_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tsdb {

inline uint64_t LowBits(int n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }

class BitWriter {
 public:
  // Appends to *out. The string grows in large steps while writing and is
  // trimmed by Finish(), so a word costs a store, not an append call.
  explicit BitWriter(std::string* out) : out_(out), pos_(out->size()) {}

  // REQUIRES: 0 <= n <= 64 and value < 2^n.
  void Write(uint64_t value, int n) {
    if (n == 0) return;
    acc_ |= value << used_;
    if (used_ + n >= 64) {
      Emit(acc_);
      int taken = 64 - used_;
      acc_ = taken == 64 ? 0 : value >> taken;
      used_ = used_ + n - 64;
    } else {
      used_ += n;
    }
  }
  // Writes the partial last byte (zero padding) and trims the string. The
  // writer must not be used afterwards.
  void Finish() {
    int bytes = (used_ + 7) / 8;
    Reserve(8);
    for (int i = 0; i < bytes; ++i) (*out_)[pos_ + i] = static_cast<char>(acc_ >> (8 * i));
    out_->resize(pos_ + bytes);
    acc_ = 0;
    used_ = 0;
  }

 private:
  void Reserve(size_t n) {
    if (pos_ + n > out_->size()) out_->resize(std::max(2 * out_->size(), pos_ + n + 64));
  }
  void Emit(uint64_t word) {
    Reserve(8);
    std::memcpy(&(*out_)[pos_], &word, 8);  // little-endian hosts only
    pos_ += 8;
  }

  std::string* out_;
  size_t pos_;  // bytes of *out_ written so far
  uint64_t acc_ = 0;
  int used_ = 0;  // bits of acc_ in use, < 64
};

// Fast path first: Refill() loads 8 bytes at a time while at least 8 remain,
// so the inner loops of decoders run on a 64-bit register. Reads never touch
// memory outside [data, data + size); past the end they yield zero bits, and
// callers detect that with bits_left() < 0.
class BitReader {
 public:
  BitReader(const uint8_t* data, size_t size) : pos_(data), end_(data + size) { Refill(); }

  // After Refill() at least min(57, bits remaining) bits are buffered.
  void Refill() {
    if (end_ - pos_ >= 8) {
      uint64_t word;
      std::memcpy(&word, pos_, 8);  // little-endian hosts only (x86-64, arm64)
      buf_ |= word << avail_;
      int bytes = (63 - avail_) >> 3;
      pos_ += bytes;
      avail_ += bytes * 8;
    } else {
      while (avail_ <= 56 && pos_ < end_) {
        buf_ |= uint64_t{*pos_++} << avail_;
        avail_ += 8;
      }
    }
  }
  // REQUIRES: n <= 56; call Refill() first when avail() < n.
  uint64_t Peek(int n) const { return buf_ & LowBits(n); }
  void Consume(int n) {
    buf_ >>= n;
    avail_ -= n;
    consumed_ += n;
  }
  int avail() const { return avail_; }

  // Reads n <= 64 bits; returns zeros past the end (see bits_left()).
  uint64_t Read(int n) {
    if (n > 56) {
      uint64_t low = Read(32);
      return low | (Read(n - 32) << 32);
    }
    if (avail_ < n) Refill();
    uint64_t v = Peek(n);
    if (avail_ >= n) {
      Consume(n);
    } else {  // past the end: account for the missing bits
      buf_ = 0;
      consumed_ += n;
      overrun_ += n - avail_;
      avail_ = 0;
    }
    return v;
  }
  bool ReadBit() { return Read(1) != 0; }

  // Bits that remain unread; negative when the stream was read past its end.
  int64_t bits_left() const {
    return static_cast<int64_t>(end_ - pos_) * 8 + avail_ - overrun_;
  }
  uint64_t bits_consumed() const { return consumed_; }

 private:
  const uint8_t* pos_;
  const uint8_t* end_;
  uint64_t buf_ = 0;  // bits above avail_ may hold bytes not yet counted
  int avail_ = 0;
  int64_t overrun_ = 0;
  uint64_t consumed_ = 0;
};

// The fast reader for decoder inner loops: a refill is one 8-byte load and
// no read checks bounds. Loads come from the stream itself while 8 bytes
// remain, then from a zero-padded copy of its last bytes, so reading past the
// real end yields zeros (overran() and consumed_bits() tell afterwards) and
// nothing is allocated. Keep it a local variable so its state lives in
// registers: the padded tail is the caller's array, not a member, because an
// array member would keep the whole reader in memory.
class PaddedBitReader {
 public:
  static constexpr size_t kTailSize = 8 + 16;  // room for a load at any clamped position

  // REQUIRES: tail points to kTailSize bytes that outlive the reader.
  PaddedBitReader(const uint8_t* data, size_t size, uint8_t* tail)
      : data_(data), tail_(tail), size_(size), tail_start_(size >= 8 ? size - 8 : 0) {
    std::memset(tail_, 0, kTailSize);
    if (size > 0) std::memcpy(tail_, data + tail_start_, size - tail_start_);
  }

  // Tops the buffer up to >= 56 bits. The position is clamped inside the
  // padding, so a hostile stream cannot make a load leave it.
  void Refill() {
    uint64_t word;
    if (pos_ + 8 <= size_) {  // fast path
      std::memcpy(&word, data_ + pos_, 8);  // little-endian hosts only (x86-64, arm64)
    } else {
      std::memcpy(&word, tail_ + (pos_ - tail_start_), 8);
    }
    buf_ |= word << avail_;
    const int bytes = (63 - avail_) >> 3;
    pos_ += bytes;
    avail_ += bytes * 8;
    if (pos_ > size_ + 8) {
      pos_ = size_ + 8;
      overran_ = true;
    }
  }
  int avail() const { return avail_; }
  // REQUIRES: n <= avail() (call Refill() first) and n <= 56.
  uint64_t Read(int n) {
    uint64_t v = buf_ & LowBits(n);
    buf_ >>= n;
    avail_ -= n;
    return v;
  }
  // REQUIRES: n <= avail() and n <= 56.
  uint64_t Peek(int n) const { return buf_ & LowBits(n); }
  void Skip(int n) {
    buf_ >>= n;
    avail_ -= n;
  }
  // Any n <= 64; refills as needed.
  uint64_t ReadLong(int n) {
    if (n <= 56) {
      if (avail_ < n) Refill();
      return Read(n);
    }
    if (avail_ < 32) Refill();
    uint64_t low = Read(32);
    Refill();
    return low | (Read(n - 32) << 32);
  }

  // Bits consumed; beyond size * 8 when the stream was read past its end.
  uint64_t consumed_bits() const {
    return overran_ ? UINT64_MAX : static_cast<uint64_t>(pos_) * 8 - avail_;
  }
  // True when every bit after the consumed ones, up to the end of the real
  // stream, is zero and nothing was read past it.
  bool AtPaddedEnd() {
    const uint64_t consumed = consumed_bits();
    if (consumed > size_ * 8 || size_ * 8 - consumed >= 8) return false;
    if (avail_ < 8) Refill();
    return Read(static_cast<int>(size_ * 8 - consumed)) == 0;
  }

 private:
  const uint8_t* data_;
  uint8_t* tail_;      // data_[tail_start_, size_), then zeros
  size_t size_;
  size_t tail_start_;
  size_t pos_ = 0;        // bytes loaded into buf_ (counting avail_)
  uint64_t buf_ = 0;
  int avail_ = 0;
  bool overran_ = false;
};

}  // namespace tsdb

#endif  // TSDB_CORE_UTIL_BIT_STREAM_H_
