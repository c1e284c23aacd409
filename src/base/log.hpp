#pragma once
// Structured logging facade over spdlog.
//
// Every line is: UTC timestamp, level, event name, then key=value fields. Event names are
// dotted and stable (`smtp.rcpt`, `store.reconcile.orphan_blob`) so operators can grep and
// alert on them; docs/logging.md lists them. Values with spaces, quotes or control characters
// are quoted and escaped, so a hostile peer cannot forge a log line.
// Output goes to stderr, or to journald (base/journal.hpp: the text line as MESSAGE, the event
// and each field as HERON_* fields, the level as PRIORITY); when the journal cannot be
// reached a line goes to stderr instead.
// Thread: any (spdlog's sink is thread-safe). Failure: logging never throws to the caller.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

namespace heron::log {

enum class Level { debug, info, warn, error };
enum class Format { text, json };
enum class Output { stderr_stream, journald };

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  template <class N>
  requires std::is_arithmetic_v<N> Field(std::string_view k, N v)
      : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}

  std::string_view key;
  std::string value;
};

void init(Level level, Format format, Output output = Output::stderr_stream);
bool parse_format(std::string_view text, Format& out);  // "text" or "json"
void set_level(Level level);
bool parse_level(std::string_view text, Level& out);
bool enabled(Level level);

void emit(Level level, std::string_view event, std::initializer_list<Field> fields);

inline void debug(std::string_view event, std::initializer_list<Field> fields = {}) {
  if (enabled(Level::debug)) emit(Level::debug, event, fields);
}
inline void info(std::string_view event, std::initializer_list<Field> fields = {}) {
  emit(Level::info, event, fields);
}
inline void warn(std::string_view event, std::initializer_list<Field> fields = {}) {
  emit(Level::warn, event, fields);
}
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) {
  emit(Level::error, event, fields);
}

// The journald datagram of one entry (base/journal.hpp); exposed for tests.
std::string journal_entry(Format format, Level level, std::string_view event,
                          std::initializer_list<Field> fields);

// Formats one line without emitting it; exposed for tests.
std::string format_line(Format format, Level level, std::string_view event,
                        std::initializer_list<Field> fields);

}  // namespace heron::log
