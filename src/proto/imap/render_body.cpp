// BODYSTRUCTURE and BODY (RFC 9051 7.5.2 body, RFC 3501 7.4.2); see message_render.hpp.
#include "mime/structure.hpp"
#include "proto/imap/message_render.hpp"
#include "proto/imap/render_string.hpp"

namespace heron::proto::imap {
namespace {

class BodyWriter {
 public:
  BodyWriter(std::string_view message, const mime::Structure& s, bool extensible, bool utf8)
      : m_(message), s_(s), ext_(extensible), utf8_(utf8) {}

  void part(uint32_t index) {
    const mime::Part& p = s_[index];
    const mime::PartInfo info = mime::part_info(m_, s_, index);
    out_ += '(';
    if (p.kind == mime::PartKind::multipart) {
      multipart(index, info);
    } else {
      single(index, info);
    }
    out_ += ')';
  }

  std::string take() { return std::move(out_); }

 private:
  std::string_view m_;
  const mime::Structure& s_;
  bool ext_;
  bool utf8_;
  std::string out_;

  void str(std::string_view v) { append_string(out_, v, utf8_); }
  void nstr(const std::optional<std::string>& v) { append_nstring(out_, v, utf8_); }

  // body-fld-param: ("name" "value" ...) or NIL. An RFC 2231 extended value keeps its "*".
  void params(const mime::Params& ps) {
    if (ps.empty()) {
      out_ += "NIL";
      return;
    }
    out_ += '(';
    bool first = true;
    for (const mime::Param& p : ps) {
      if (!first) out_ += ' ';
      first = false;
      str(p.extended ? p.name + "*" : p.name);
      out_ += ' ';
      str(p.value);
    }
    out_ += ')';
  }

  // body-fld-dsp SP body-fld-lang SP body-fld-loc
  void dsp_lang_loc(const mime::PartInfo& info) {
    out_ += ' ';
    if (info.disposition) {
      out_ += '(';
      str(info.disposition->type);
      out_ += ' ';
      params(info.disposition->params);
      out_ += ')';
    } else {
      out_ += "NIL";
    }
    out_ += ' ';
    if (info.languages.empty()) {
      out_ += "NIL";
    } else {
      out_ += '(';
      for (size_t i = 0; i < info.languages.size(); ++i) {
        if (i > 0) out_ += ' ';
        str(info.languages[i]);
      }
      out_ += ')';
    }
    out_ += ' ';
    nstr(info.location);
  }

  void multipart(uint32_t index, const mime::PartInfo& info) {
    for (uint32_t c = s_[index].first_child; c != mime::Part::none; c = s_[c].next_sibling) {
      part(c);
    }
    out_ += ' ';
    str(info.content_type.subtype);
    if (!ext_) return;
    out_ += ' ';
    params(info.content_type.params);
    dsp_lang_loc(info);
  }

  void single(uint32_t index, const mime::PartInfo& info) {
    const mime::Part& p = s_[index];
    str(info.content_type.type);
    out_ += ' ';
    str(info.content_type.subtype);
    out_ += ' ';
    params(info.content_type.params);
    out_ += ' ';
    nstr(info.id);
    out_ += ' ';
    nstr(info.description);
    out_ += ' ';
    str(info.encoding);
    out_ += ' ';
    out_ += std::to_string(p.body_size());
    if (p.kind == mime::PartKind::message) {
      // body-type-msg: envelope, body and lines of the encapsulated message.
      const uint32_t inner = p.first_child;
      out_ += ' ';
      out_ += envelope(m_, s_, inner, RenderOptions{utf8_});
      out_ += ' ';
      part(inner);
      out_ += ' ';
      out_ += std::to_string(p.lines);
    } else if (info.content_type.type == "text") {
      out_ += ' ';
      out_ += std::to_string(p.lines);
    }
    if (!ext_) return;
    out_ += ' ';
    nstr(info.md5);
    dsp_lang_loc(info);
  }
};

}  // namespace

std::string body_structure(std::string_view message, const mime::Structure& s, bool extensible,
                           RenderOptions options) {
  if (s.parts.empty()) return body_structure({}, mime::parse_structure({}), extensible, options);
  BodyWriter w(message, s, extensible, options.utf8);
  w.part(0);
  return w.take();
}

}  // namespace heron::proto::imap
