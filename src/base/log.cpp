#include "base/log.hpp"

#include <atomic>
#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "base/journal.hpp"
#include "base/strings.hpp"

namespace heron::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<Format> g_format{Format::text};
std::atomic<Output> g_output{Output::stderr_stream};

std::shared_ptr<spdlog::logger> logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = std::make_shared<spdlog::logger>("heron",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return instance;
}

void apply_pattern(Format format) {
  // The text format carries its own time and level; JSON lines put them inside the object.
  if (format == Format::text) {
    logger()->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  } else {
    logger()->set_pattern("{\"ts\":\"%Y-%m-%dT%H:%M:%S.%eZ\",%v", spdlog::pattern_time_type::utc);
  }
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (unsigned char c : v) {
    if (c <= 0x20 || c == '"' || c == '=' || c == '\\' || c == 0x7f) return true;
  }
  return false;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::debug:
      return spdlog::level::debug;
    case Level::info:
      return spdlog::level::info;
    case Level::warn:
      return spdlog::level::warn;
    case Level::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void init(Level level, Format format, Output output) {
  g_level = level;
  g_format = format;
  g_output = output;
  apply_pattern(format);
}

bool parse_format(std::string_view text, Format& out) {
  if (text == "text") {
    out = Format::text;
  } else if (text == "json") {
    out = Format::json;
  } else {
    return false;
  }
  return true;
}

// syslog(3) priorities, which journald keeps in PRIORITY.
static int syslog_priority(Level level) {
  switch (level) {
    case Level::debug:
      return 7;
    case Level::info:
      return 6;
    case Level::warn:
      return 4;
    case Level::error:
      return 3;
  }
  return 6;
}

std::string journal_entry(Format format, Level level, std::string_view event,
                          std::initializer_list<Field> fields) {
  std::string out;
  journal::encode_field(out, "MESSAGE", format_line(format, level, event, fields));
  journal::encode_field(out, "PRIORITY", std::to_string(syslog_priority(level)));
  journal::encode_field(out, "SYSLOG_IDENTIFIER", "heron");
  journal::encode_field(out, "HERON_EVENT", event);
  for (const Field& f : fields) journal::encode_field(out, "HERON_" + std::string(f.key), f.value);
  return out;
}

void set_level(Level level) {
  g_level = level;
}

bool enabled(Level level) {
  return level >= g_level.load(std::memory_order_relaxed);
}

bool parse_level(std::string_view text, Level& out) {
  if (text == "debug")
    out = Level::debug;
  else if (text == "info")
    out = Level::info;
  else if (text == "warn")
    out = Level::warn;
  else if (text == "error")
    out = Level::error;
  else
    return false;
  return true;
}

std::string format_line(Format format, Level level, std::string_view event,
                        std::initializer_list<Field> fields) {
  std::string line;
  line.reserve(128);
  if (format == Format::text) {
    line += event;
    for (const Field& f : fields) {
      line += ' ';
      line += f.key;
      line += '=';
      if (needs_quotes(f.value)) {
        line += '"';
        str::append_escaped(line, f.value);
        line += '"';
      } else {
        line += f.value;
      }
    }
    return line;
  }
  line += "{\"level\":\"";
  line += level_name(level);
  line += "\",\"event\":\"";
  str::append_escaped(line, event);
  line += '"';
  for (const Field& f : fields) {
    line += ",\"";
    str::append_escaped(line, f.key);
    line += "\":\"";
    str::append_escaped(line, f.value);
    line += '"';
  }
  line += '}';
  return line;
}

void emit(Level level, std::string_view event, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  try {
    static const bool patterned = (apply_pattern(g_format.load()), true);
    (void)patterned;
    const Format format = g_format.load();
    if (g_output.load(std::memory_order_relaxed) == Output::journald &&
        journal::send(journal_entry(format, level, event, fields))) {
      return;
    }
    std::string line = format_line(format, level, event, fields);
    // The JSON pattern opens the object with the timestamp, so drop our own opening brace.
    std::string_view body = format == Format::json ? std::string_view(line).substr(1) : line;
    logger()->log(to_spdlog(level), "{}", body);
  } catch (...) {
    // Logging must never take a session down.
  }
}

}  // namespace heron::log
