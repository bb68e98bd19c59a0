// libFuzzer target: arbitrary bytes as a PromQL query for the lexer.
//
// The lexer must end every input (EOF or an error within a bounded number of
// tokens), never read outside it, hand out tokens in order whose texts are
// the input's bytes at their positions, and keep answering EOF or the same
// error once the stream has ended; anything else aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tsdb/promql/lexer.h"

namespace {

void Check(bool ok) {
  if (!ok) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  tsdb::promql::Lexer lexer(input);
  uint32_t last_end = 0;
  // Every token but EOF and an error takes at least one byte.
  for (size_t i = 0; i <= size + 1; ++i) {
    const tsdb::promql::Token token = lexer.Next();
    Check(token.pos <= size);
    if (token.kind == tsdb::promql::TokenKind::kError) {
      Check(!token.message.empty());
      const tsdb::promql::Token again = lexer.Next();
      Check(again.kind == token.kind && again.pos == token.pos && again.message == token.message);
      return 0;
    }
    Check(token.pos >= last_end);
    Check(token.text.data() == input.data() + token.pos);
    Check(token.pos + token.text.size() <= size);
    if (token.kind == tsdb::promql::TokenKind::kEof) {
      Check(token.text.empty());
      Check(lexer.Next().kind == tsdb::promql::TokenKind::kEof);
      return 0;
    }
    Check(!token.text.empty());
    last_end = token.pos + static_cast<uint32_t>(token.text.size());
  }
  abort();  // no end
}
