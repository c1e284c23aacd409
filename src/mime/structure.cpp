#include "mime/structure.hpp"

#include <algorithm>

#include "base/strings.hpp"
#include "mime/header.hpp"
#include "mime/lex.hpp"

namespace heron::mime {
namespace {

ContentType text_plain() {
  return ContentType{"text", "plain", {}};
}

// RFC 2045 5.2 and RFC 2046 5.1.5: the type a header declares, or the default for its place.
ContentType declared_type(std::string_view header, bool in_digest) {
  std::optional<HeaderField> f = find_field(header, "Content-Type");
  if (!f) return in_digest ? ContentType{"message", "rfc822", {}} : text_plain();
  std::optional<ContentType> ct = parse_content_type(f->value);
  return ct ? std::move(*ct) : text_plain();
}

TransferEncoding declared_encoding(std::string_view header) {
  std::optional<HeaderField> f = find_field(header, "Content-Transfer-Encoding");
  return f ? parse_transfer_encoding(f->value) : TransferEncoding::seven_bit;
}

bool is_message_type(const ContentType& ct) {
  return ct.type == "message" && (ct.subtype == "rfc822" || ct.subtype == "global");
}

// Where a part stopped: at a boundary line of an active multipart, or at the end.
struct Stop {
  size_t line = 0;         // start of the boundary line (message size at the end)
  size_t content_end = 0;  // `line` less the line break before it (RFC 2046 5.1.1)
  size_t next = 0;         // start of the line after the boundary line
  int boundary = -1;       // index in the active stack; -1 at the end of the message
  bool close = false;      // "--boundary--"
};

class Parser {
 public:
  Parser(std::string_view message, Limits limits) : m_(message), limits_(limits) {}

  Structure run() {
    parse_part(0, Part::none, 0, false);
    clamp_to_parents();
    return std::move(s_);
  }

 private:
  std::string_view m_;
  Limits limits_;
  Structure s_;
  std::vector<std::string> boundaries_;  // active boundaries, innermost last
  std::vector<uint32_t> last_child_;     // per part, to append children in O(1)

  Stop end_stop() const { return Stop{m_.size(), m_.size(), m_.size(), -1, false}; }

  // Index of the active boundary that the line [pos, text_end) starts, or -1.
  int match_boundary(size_t pos, size_t text_end, bool* close) const {
    if (boundaries_.empty() || text_end - pos < 2 || m_[pos] != '-' || m_[pos + 1] != '-') {
      return -1;
    }
    const std::string_view rest = m_.substr(pos + 2, text_end - pos - 2);
    int best = -1;
    for (int i = static_cast<int>(boundaries_.size()) - 1; i >= 0; --i) {
      const std::string& b = boundaries_[static_cast<size_t>(i)];
      if (rest.starts_with(b) &&
          (best < 0 || b.size() > boundaries_[static_cast<size_t>(best)].size())) {
        best = i;
      }
    }
    if (best >= 0) {
      *close = rest.substr(boundaries_[static_cast<size_t>(best)].size()).starts_with("--");
    }
    return best;
  }

  Stop make_stop(size_t line, size_t next, int boundary, bool close) const {
    size_t content_end = line;
    if (content_end > 0 && m_[content_end - 1] == '\n') {
      --content_end;
      if (content_end > 0 && m_[content_end - 1] == '\r') --content_end;
    }
    return Stop{line, content_end, next, boundary, close};
  }

  struct Line {
    size_t text_end;  // end of the line's text, line break excluded
    size_t next;      // start of the next line
  };
  Line line_at(size_t pos) const {
    const size_t eol = m_.find('\n', pos);
    if (eol == std::string_view::npos) return {m_.size(), m_.size()};
    return {(eol > pos && m_[eol - 1] == '\r') ? eol - 1 : eol, eol + 1};
  }

  // The first boundary line at or after `pos`.
  Stop scan(size_t pos) const {
    if (boundaries_.empty()) return end_stop();
    while (pos < m_.size()) {
      const Line l = line_at(pos);
      bool close = false;
      const int b = match_boundary(pos, l.text_end, &close);
      if (b >= 0) return make_stop(pos, l.next, b, close);
      pos = l.next;
    }
    return end_stop();
  }

  uint32_t add_part(size_t pos, uint32_t parent, uint16_t depth, bool in_digest) {
    const auto index = static_cast<uint32_t>(s_.parts.size());
    Part p;
    p.header_begin = p.body_begin = p.body_end = pos;
    p.parent = parent;
    p.depth = depth;
    p.in_digest = in_digest;
    s_.parts.push_back(p);
    last_child_.push_back(Part::none);
    if (parent != Part::none) {
      Part& up = s_.parts[parent];
      if (up.first_child == Part::none) {
        up.first_child = index;
      } else {
        s_.parts[last_child_[parent]].next_sibling = index;
      }
      last_child_[parent] = index;
      ++up.child_count;
    }
    return index;
  }

  void add_synthetic(uint32_t parent, size_t pos) {
    const uint32_t c =
        add_part(pos, parent, static_cast<uint16_t>(s_.parts[parent].depth + 1), false);
    s_.parts[c].synthetic = true;
  }

  // Sets the body end from a stop. The line break before a boundary may be the empty line
  // that ended the header: then the header gives it up and the body is empty.
  void finish(uint32_t index, const Stop& stop) {
    Part& p = s_.parts[index];
    p.body_end = std::max(stop.content_end, p.header_begin);
    p.body_begin = std::min(p.body_begin, p.body_end);
    if (p.kind != PartKind::multipart) {
      p.lines = static_cast<size_t>(
          std::count(m_.begin() + static_cast<std::ptrdiff_t>(p.body_begin),
                     m_.begin() + static_cast<std::ptrdiff_t>(p.body_end), '\n'));
    }
  }

  // A part that starts right at a boundary line is empty, but starts after the line break
  // that the boundary took from its parent's body: such parts move back inside their parent.
  // Parents come before children, so one pass settles every level.
  void clamp_to_parents() {
    for (Part& p : s_.parts) {
      if (p.parent == Part::none) continue;
      const Part& up = s_.parts[p.parent];
      const auto clamp = [&](size_t v) { return std::clamp(v, up.body_begin, up.body_end); };
      const size_t end = clamp(p.body_end);
      const bool moved = end != p.body_end;
      p.header_begin = clamp(p.header_begin);
      p.body_begin = clamp(p.body_begin);
      p.body_end = end;
      if (moved && p.kind != PartKind::multipart) {
        p.lines = static_cast<size_t>(
            std::count(m_.begin() + static_cast<std::ptrdiff_t>(p.body_begin),
                       m_.begin() + static_cast<std::ptrdiff_t>(p.body_end), '\n'));
      }
    }
  }

  // Decides the kind of a part from its header; records the boundary of a multipart.
  PartKind classify(uint32_t index, std::string* boundary, bool* digest, bool* opaque_message) {
    Part& p = s_.parts[index];
    const std::string_view header = p.header(m_);
    const ContentType ct = declared_type(header, p.in_digest);
    PartKind kind = PartKind::leaf;
    if (ct.type == "multipart") {
      const Param* b = find_param(ct.params, "boundary");
      std::string value = b == nullptr ? std::string() : b->extended ? b->decoded() : b->value;
      if (!value.empty()) {
        kind = PartKind::multipart;
        *boundary = std::move(value);
        *digest = ct.subtype == "digest";
      } else {
        p.forced_text = true;  // no usable boundary: text/plain
      }
    } else if (is_message_type(ct)) {
      kind = PartKind::message;
      // RFC 2046 5.2.1: only 7bit, 8bit or binary; an encoded message is not looked into.
      const TransferEncoding te = declared_encoding(header);
      *opaque_message = te != TransferEncoding::seven_bit && te != TransferEncoding::eight_bit &&
                        te != TransferEncoding::binary;
    }
    if (kind != PartKind::leaf &&
        (p.depth + 1u > limits_.max_depth || s_.parts.size() + 1 > limits_.max_parts)) {
      kind = PartKind::leaf;
      p.forced_text = true;
      s_.truncated = true;
    }
    p.kind = kind;
    return kind;
  }

  Stop parse_part(size_t pos, uint32_t parent, uint16_t depth, bool in_digest) {
    const uint32_t index = add_part(pos, parent, depth, in_digest);
    // The header runs to the first empty line, or to a boundary line, or to the end.
    std::optional<Stop> header_stop;
    size_t p = pos;
    while (true) {
      if (p >= m_.size()) {
        s_.parts[index].body_begin = m_.size();
        header_stop = end_stop();
        break;
      }
      const Line l = line_at(p);
      if (l.text_end == p) {  // the empty line
        s_.parts[index].body_begin = l.next;
        break;
      }
      bool close = false;
      const int b = match_boundary(p, l.text_end, &close);
      if (b >= 0) {
        header_stop = make_stop(p, l.next, b, close);
        s_.parts[index].body_begin = std::max(header_stop->content_end, pos);
        break;
      }
      p = l.next;
    }

    std::string boundary;
    bool digest = false;
    bool opaque_message = false;
    const PartKind kind = classify(index, &boundary, &digest, &opaque_message);
    if (header_stop) {  // no body at all
      finish(index, *header_stop);
      if (kind != PartKind::leaf) add_synthetic(index, s_.parts[index].body_end);
      return *header_stop;
    }
    if (kind == PartKind::leaf) {
      const Stop stop = scan(s_.parts[index].body_begin);
      finish(index, stop);
      return stop;
    }
    if (kind == PartKind::message) return parse_message(index, opaque_message);
    return parse_multipart(index, std::move(boundary), digest);
  }

  Stop parse_message(uint32_t index, bool opaque) {
    if (opaque) {
      const Stop stop = scan(s_.parts[index].body_begin);
      finish(index, stop);
      add_synthetic(index, s_.parts[index].body_end);
      return stop;
    }
    const Stop stop = parse_part(s_.parts[index].body_begin, index,
                                 static_cast<uint16_t>(s_.parts[index].depth + 1), false);
    finish(index, stop);
    return stop;
  }

  Stop parse_multipart(uint32_t index, std::string boundary, bool digest) {
    const auto child_depth = static_cast<uint16_t>(s_.parts[index].depth + 1);
    boundaries_.push_back(std::move(boundary));
    const int mine = static_cast<int>(boundaries_.size()) - 1;
    Stop stop = scan(s_.parts[index].body_begin);  // the preamble
    while (stop.boundary == mine && !stop.close) {
      if (s_.parts[index].child_count > 0 && s_.parts.size() >= limits_.max_parts) {
        s_.truncated = true;  // the rest of this multipart is not split
        boundaries_.pop_back();
        stop = scan(stop.next);
        break;
      }
      stop = parse_part(stop.next, index, child_depth, digest);
    }
    if (static_cast<int>(boundaries_.size()) > mine) {
      boundaries_.pop_back();
      if (stop.boundary == mine) stop = scan(stop.next);  // the epilogue, after the close
    }
    finish(index, stop);
    if (s_.parts[index].child_count == 0) add_synthetic(index, s_.parts[index].body_end);
    return stop;
  }
};

std::optional<std::string> unfolded_field(std::string_view header, std::string_view name) {
  std::optional<HeaderField> f = find_field(header, name);
  if (!f) return std::nullopt;
  return std::string(str::trim(f->unfolded()));
}

std::vector<std::string> parse_languages(std::string_view value) {
  std::vector<std::string> out;
  lex::Cursor cur(value);
  while (!cur.done()) {
    cur.skip_cfws();
    const std::string_view tag = cur.token();
    if (!tag.empty()) out.emplace_back(tag);
    cur.skip_past(',');
  }
  return out;
}

}  // namespace

uint32_t Structure::child(uint32_t index, uint32_t n) const {
  if (index >= parts.size() || n == 0) return Part::none;
  uint32_t c = parts[index].first_child;
  for (uint32_t i = 1; i < n && c != Part::none; ++i) c = parts[c].next_sibling;
  return c;
}

Structure parse_structure(std::string_view message, Limits limits) {
  if (limits.max_parts < 2) limits.max_parts = 2;
  limits.max_depth = std::min<uint32_t>(limits.max_depth, kMaxDepth);
  return Parser(message, limits).run();
}

PartInfo part_info(std::string_view message, const Structure& s, uint32_t index) {
  PartInfo info;
  const Part& p = s.parts[index];
  const std::string_view header = p.header(message);
  if (p.forced_text || p.synthetic) {
    info.content_type = text_plain();
  } else {
    info.content_type = declared_type(header, p.in_digest);
  }
  if (info.content_type.type == "text" &&
      find_param(info.content_type.params, "charset") == nullptr) {
    info.content_type.params.push_back({"charset", "us-ascii", false});
  }
  if (std::optional<HeaderField> f = find_field(header, "Content-Transfer-Encoding")) {
    info.encoding = mime::transfer_encoding_name(f->value);
    info.transfer = parse_transfer_encoding(f->value);
  }
  if (info.encoding.empty()) info.encoding = "7bit";
  info.id = unfolded_field(header, "Content-ID");
  info.description = unfolded_field(header, "Content-Description");
  info.md5 = unfolded_field(header, "Content-MD5");
  info.location = unfolded_field(header, "Content-Location");
  if (std::optional<HeaderField> f = find_field(header, "Content-Disposition")) {
    info.disposition = parse_disposition(f->value);
  }
  if (std::optional<HeaderField> f = find_field(header, "Content-Language")) {
    info.languages = parse_languages(f->value);
  }
  return info;
}

}  // namespace heron::mime
