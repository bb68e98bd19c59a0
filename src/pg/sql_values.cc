#include "pg/sql_values.h"

#include <cstdio>
#include <cstring>

namespace tsdb::pg {

Datum BytesToDatum(std::string_view bytes) {
  if (bytes.size() > MaxAllocSize - VARHDRSZ) {
    throw SqlError(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
                   "encoded value of " + std::to_string(bytes.size()) +
                       " bytes exceeds the maximum bytea size");
  }
  bytea* out = PgCall([&] { return static_cast<bytea*>(palloc(VARHDRSZ + bytes.size())); });
  SET_VARSIZE(out, VARHDRSZ + bytes.size());
  std::memcpy(VARDATA(out), bytes.data(), bytes.size());
  return PointerGetDatum(out);
}

Datum TextToDatum(std::string_view s) {
  return PgCall([&] { return PointerGetDatum(cstring_to_text_with_len(s.data(), s.size())); });
}

Datum JsonbFromText(const std::string& json) {
  return PgCall([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(json.c_str())); });
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          snprintf(buf, sizeof(buf), "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

}  // namespace tsdb::pg
