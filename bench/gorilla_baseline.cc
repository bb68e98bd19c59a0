// Gorilla baseline (format: gorilla_baseline.h). The code follows the paper
// and Prometheus's layout closely. It makes no attempt to beat them: its job
// is to be the reference point for the ratios scripts/bench_codecs.sh prints.
// The bit reader keeps a 64-bit buffer, as Prometheus's bstreamReader does, so
// the baseline's decode speed reflects Gorilla's format rather than a slow
// reader.
#include "gorilla_baseline.h"

#include <cstring>

namespace tsdb {
namespace bench {
namespace {

// The leading-zero field is 5 bits wide.
constexpr int kMaxLeadingZeros = 31;
// Bits of the delta-of-delta buckets, shortest first (Prometheus's sizes).
constexpr int kDodBucketBits[] = {14, 17, 20};

uint64_t DoubleBits(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  return bits;
}

double BitsDouble(uint64_t bits) {
  double v;
  std::memcpy(&v, &bits, sizeof(v));
  return v;
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

uint64_t LoadBigEndian64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

void StoreBigEndian64(uint8_t* p, uint64_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  std::memcpy(p, &v, sizeof(v));
}

// An append-only, most-significant-bit-first bit stream. Whole 64-bit words
// are flushed at once, so the writer doesn't branch on every bit.
class BitWriter {
 public:
  explicit BitWriter(size_t expected_bytes) { bytes_.reserve(expected_bytes); }

  // Appends the low nbits of value. REQUIRES: 1 <= nbits <= 64.
  void WriteBits(uint64_t value, int nbits) {
    if (nbits < 64) value &= (uint64_t{1} << nbits) - 1;
    const int free_bits = 64 - pending_bits_;  // 1..64
    if (nbits < free_bits) {
      pending_ = (pending_ << nbits) | value;
      pending_bits_ += nbits;
      return;
    }
    // Fill the word with the top free_bits of value and keep the rest.
    const int rest = nbits - free_bits;  // 0..63
    const uint64_t head = free_bits == 64 ? 0 : pending_ << free_bits;
    FlushWord(head | (value >> rest));
    pending_ = rest == 0 ? 0 : value & ((uint64_t{1} << rest) - 1);
    pending_bits_ = rest;
  }
  void WriteBit(bool bit) { WriteBits(bit ? 1 : 0, 1); }

  void WriteVarint(uint64_t v) {
    while (v >= 0x80) {
      WriteBits((v & 0x7f) | 0x80, 8);
      v >>= 7;
    }
    WriteBits(v, 8);
  }

  // Pads the last byte with zero bits and hands over the bytes.
  std::vector<uint8_t> Finish() {
    if (pending_bits_ > 0) {
      const uint64_t word = pending_ << (64 - pending_bits_);
      for (int i = 0; i < (pending_bits_ + 7) / 8; ++i) {
        bytes_.push_back(static_cast<uint8_t>(word >> (56 - 8 * i)));
      }
      pending_ = 0;
      pending_bits_ = 0;
    }
    return std::move(bytes_);
  }

 private:
  void FlushWord(uint64_t word) {
    const size_t old_size = bytes_.size();
    bytes_.resize(old_size + 8);
    StoreBigEndian64(bytes_.data() + old_size, word);
  }

  std::vector<uint8_t> bytes_;
  uint64_t pending_ = 0;  // the low pending_bits_ bits are not yet flushed
  int pending_bits_ = 0;  // 0..63
};

// Reads what BitWriter wrote. Reading past the end yields zero bits and sets
// a sticky flag that the decoders check once at the end, as Prometheus's
// iterator keeps its err.
class BitReader {
 public:
  BitReader(const uint8_t* data, size_t size) : next_(data), end_(data + size) {}

  bool ReadBit() {
    if (buffered_ == 0 && !Refill()) return false;
    const bool bit = (buffer_ >> 63) != 0;
    buffer_ <<= 1;
    --buffered_;
    return bit;
  }

  // REQUIRES: 1 <= nbits <= 64.
  uint64_t ReadBits(int nbits) {
    if (nbits <= buffered_) return Take(nbits);
    // The value straddles the buffer: take what is left, refill, take the rest.
    const int high_bits = buffered_;
    const uint64_t high = high_bits == 0 ? 0 : Take(high_bits);
    const int low_bits = nbits - high_bits;
    if (!Refill()) return 0;
    if (low_bits > buffered_) {
      overrun_ = true;
      buffered_ = 0;
      return 0;
    }
    const uint64_t low = Take(low_bits);
    return high_bits == 0 ? low : (high << low_bits) | low;
  }

  uint64_t ReadVarint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const uint64_t byte = ReadBits(8);
      v |= (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    overrun_ = true;  // more than 10 bytes: not a varint we wrote
    return 0;
  }

  bool overrun() const { return overrun_; }

 private:
  // REQUIRES: 1 <= nbits <= buffered_.
  uint64_t Take(int nbits) {
    const uint64_t v = buffer_ >> (64 - nbits);
    buffer_ = nbits == 64 ? 0 : buffer_ << nbits;
    buffered_ -= nbits;
    return v;
  }

  // REQUIRES: buffered_ == 0.
  bool Refill() {
    const size_t left = static_cast<size_t>(end_ - next_);
    if (left >= 8) {
      buffer_ = LoadBigEndian64(next_);
      next_ += 8;
      buffered_ = 64;
      return true;
    }
    if (left == 0) {
      overrun_ = true;
      return false;
    }
    buffer_ = 0;
    for (size_t i = 0; i < left; ++i) buffer_ |= uint64_t{next_[i]} << (56 - 8 * i);
    next_ = end_;
    buffered_ = static_cast<int>(8 * left);
    return true;
  }

  const uint8_t* next_;
  const uint8_t* const end_;
  uint64_t buffer_ = 0;  // the next buffered_ bits, left-aligned
  int buffered_ = 0;
  bool overrun_ = false;
};

// True if v fits a bucket of nbits under Prometheus's rule (see header).
bool FitsBucket(int64_t v, int nbits) {
  const int64_t half = int64_t{1} << (nbits - 1);
  return -(half - 1) <= v && v <= half;
}

// Writes prefix and the low nbits of dod's two's complement as one code.
void WriteBucket(BitWriter* w, uint64_t prefix, int prefix_bits, int64_t dod, int nbits) {
  const uint64_t payload = static_cast<uint64_t>(dod) & ((uint64_t{1} << nbits) - 1);
  w->WriteBits((prefix << nbits) | payload, prefix_bits + nbits);
}

// Timestamp half of the stream. Arithmetic wraps (via uint64) so any int64
// sequence round-trips.
class DodEncoder {
 public:
  void Append(BitWriter* w, int64_t t) {
    const int64_t delta =
        static_cast<int64_t>(static_cast<uint64_t>(t) - static_cast<uint64_t>(prev_));
    if (count_ == 0) {
      w->WriteVarint(ZigZag(t));
    } else if (count_ == 1) {
      w->WriteVarint(ZigZag(delta));
    } else {
      const int64_t dod =
          static_cast<int64_t>(static_cast<uint64_t>(delta) - static_cast<uint64_t>(prev_delta_));
      if (dod == 0) {
        w->WriteBit(false);
      } else if (FitsBucket(dod, kDodBucketBits[0])) {
        WriteBucket(w, 0b10, 2, dod, kDodBucketBits[0]);
      } else if (FitsBucket(dod, kDodBucketBits[1])) {
        WriteBucket(w, 0b110, 3, dod, kDodBucketBits[1]);
      } else if (FitsBucket(dod, kDodBucketBits[2])) {
        WriteBucket(w, 0b1110, 4, dod, kDodBucketBits[2]);
      } else {
        w->WriteBits(0b1111, 4);
        w->WriteBits(static_cast<uint64_t>(dod), 64);
      }
    }
    prev_ = t;
    prev_delta_ = delta;
    ++count_;
  }

 private:
  int64_t prev_ = 0;
  int64_t prev_delta_ = 0;
  uint64_t count_ = 0;
};

class DodDecoder {
 public:
  int64_t Next(BitReader* r) {
    uint64_t delta;
    if (count_ == 0) {
      prev_ = UnZigZag(r->ReadVarint());
      ++count_;
      return prev_;
    }
    if (count_ == 1) {
      delta = static_cast<uint64_t>(UnZigZag(r->ReadVarint()));
    } else {
      // Up to four '1's select the bucket; a '0' ends the prefix early.
      int ones = 0;
      while (ones < 4 && r->ReadBit()) ++ones;
      uint64_t dod = 0;
      if (ones == 4) {
        dod = r->ReadBits(64);
      } else if (ones > 0) {
        const int nbits = kDodBucketBits[ones - 1];
        dod = r->ReadBits(nbits);
        if (dod > (uint64_t{1} << (nbits - 1))) dod -= uint64_t{1} << nbits;
      }
      delta = static_cast<uint64_t>(prev_delta_) + dod;
    }
    prev_delta_ = static_cast<int64_t>(delta);
    prev_ = static_cast<int64_t>(static_cast<uint64_t>(prev_) + delta);
    ++count_;
    return prev_;
  }

 private:
  int64_t prev_ = 0;
  int64_t prev_delta_ = 0;
  uint64_t count_ = 0;
};

// Value half of the stream.
class XorEncoder {
 public:
  void Append(BitWriter* w, double v) {
    const uint64_t bits = DoubleBits(v);
    if (!started_) {
      w->WriteBits(bits, 64);
      started_ = true;
      prev_ = bits;
      return;
    }
    const uint64_t x = bits ^ prev_;
    prev_ = bits;
    if (x == 0) {
      w->WriteBit(false);
      return;
    }
    int leading = __builtin_clzll(x);
    const int trailing = __builtin_ctzll(x);
    if (leading > kMaxLeadingZeros) leading = kMaxLeadingZeros;
    if (have_window_ && leading >= leading_ && trailing >= trailing_) {
      // The meaningful bits fit the previous window: skip its description.
      w->WriteBits(0b10, 2);
      w->WriteBits(x >> trailing_, 64 - leading_ - trailing_);
      return;
    }
    leading_ = leading;
    trailing_ = trailing;
    have_window_ = true;
    const int meaningful = 64 - leading - trailing;
    // '11', 5 bits of leading zeros, 6 bits of meaningful-bit count (64 -> 0).
    w->WriteBits((uint64_t{0b11} << 11) | (static_cast<uint64_t>(leading) << 6) |
                     static_cast<uint64_t>(meaningful & 63),
                 13);
    w->WriteBits(x >> trailing, meaningful);
  }

 private:
  uint64_t prev_ = 0;
  bool started_ = false;
  bool have_window_ = false;
  int leading_ = 0;
  int trailing_ = 0;
};

class XorDecoder {
 public:
  // Returns false on a malformed code (the caller stops decoding).
  bool Next(BitReader* r, double* out) {
    if (!started_) {
      prev_ = r->ReadBits(64);
      started_ = true;
    } else if (r->ReadBit()) {
      if (r->ReadBit()) {
        const uint64_t header = r->ReadBits(11);
        const int leading = static_cast<int>(header >> 6);
        int meaningful = static_cast<int>(header & 63);
        if (meaningful == 0) meaningful = 64;
        if (leading + meaningful > 64) return false;
        leading_ = leading;
        trailing_ = 64 - leading - meaningful;
        have_window_ = true;
      } else if (!have_window_) {
        return false;  // '10' before any window was described
      }
      prev_ ^= r->ReadBits(64 - leading_ - trailing_) << trailing_;
    }
    *out = BitsDouble(prev_);
    return true;
  }

 private:
  uint64_t prev_ = 0;
  bool started_ = false;
  bool have_window_ = false;
  int leading_ = 0;
  int trailing_ = 0;
};

// Reads the 2-byte count. Returns false if it is missing.
bool ReadCount(BitReader* r, size_t* n) {
  *n = static_cast<size_t>(r->ReadBits(16));
  return !r->overrun();
}

}  // namespace

std::vector<uint8_t> GorillaEncodeValues(const double* values, size_t n) {
  BitWriter w(2 + n * 2);
  w.WriteBits(n, 16);
  XorEncoder enc;
  for (size_t i = 0; i < n; ++i) enc.Append(&w, values[i]);
  return w.Finish();
}

std::vector<uint8_t> GorillaEncodeTimestamps(const int64_t* timestamps, size_t n) {
  BitWriter w(2 + n / 4);
  w.WriteBits(n, 16);
  DodEncoder enc;
  for (size_t i = 0; i < n; ++i) enc.Append(&w, timestamps[i]);
  return w.Finish();
}

std::vector<uint8_t> GorillaEncodeSeries(const int64_t* timestamps, const double* values,
                                         size_t n) {
  BitWriter w(2 + n * 2);
  w.WriteBits(n, 16);
  DodEncoder ts;
  XorEncoder vs;
  for (size_t i = 0; i < n; ++i) {
    ts.Append(&w, timestamps[i]);
    vs.Append(&w, values[i]);
  }
  return w.Finish();
}

bool GorillaDecodeValues(const uint8_t* data, size_t size, std::vector<double>* out) {
  BitReader r(data, size);
  size_t n;
  if (!ReadCount(&r, &n)) return false;
  out->resize(n);
  XorDecoder dec;
  double* dst = out->data();
  for (size_t i = 0; i < n; ++i) {
    if (!dec.Next(&r, &dst[i])) return false;
  }
  return !r.overrun();
}

bool GorillaDecodeTimestamps(const uint8_t* data, size_t size, std::vector<int64_t>* out) {
  BitReader r(data, size);
  size_t n;
  if (!ReadCount(&r, &n)) return false;
  out->resize(n);
  DodDecoder dec;
  int64_t* dst = out->data();
  for (size_t i = 0; i < n; ++i) dst[i] = dec.Next(&r);
  return !r.overrun();
}

bool GorillaDecodeSeries(const uint8_t* data, size_t size, std::vector<int64_t>* timestamps,
                         std::vector<double>* values) {
  BitReader r(data, size);
  size_t n;
  if (!ReadCount(&r, &n)) return false;
  timestamps->resize(n);
  values->resize(n);
  DodDecoder ts;
  XorDecoder vs;
  int64_t* t = timestamps->data();
  double* v = values->data();
  for (size_t i = 0; i < n; ++i) {
    t[i] = ts.Next(&r);
    if (!vs.Next(&r, &v[i])) return false;
  }
  return !r.overrun();
}

}  // namespace bench
}  // namespace tsdb
