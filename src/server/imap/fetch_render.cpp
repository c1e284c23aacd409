#include "server/imap/fetch_render.hpp"

#include <algorithm>

#include "proto/imap/datetime.hpp"
#include "proto/imap/message_render.hpp"
#include "server/imap/flags.hpp"

namespace heron::server::imap {

namespace imap = proto::imap;
using Kind = imap::FetchItem::Kind;

namespace {

void literal(std::string& out, std::string_view bytes, bool binary) {
  if (binary) out += '~';
  out += '{';
  out += std::to_string(bytes.size());
  out += "}\r\n";
  out += bytes;
}

std::string origin(const std::optional<imap::Partial>& partial) {
  return partial ? "<" + std::to_string(partial->offset) + ">" : std::string();
}

}  // namespace

namespace {

bool is_summary(Kind k) {
  return k == Kind::envelope || k == Kind::body || k == Kind::bodystructure;
}

bool is_metadata(Kind k) {
  return k == Kind::flags || k == Kind::internaldate || k == Kind::rfc822_size || k == Kind::uid ||
         k == Kind::modseq;
}

}  // namespace

bool fetch_needs_summary(const std::vector<imap::FetchItem>& items) {
  return std::any_of(items.begin(), items.end(),
                     [](const imap::FetchItem& i) { return is_summary(i.kind); });
}

bool fetch_needs_contents(const std::vector<imap::FetchItem>& items) {
  return std::any_of(items.begin(), items.end(), [](const imap::FetchItem& i) {
    return !is_summary(i.kind) && !is_metadata(i.kind);
  });
}

bool fetch_sets_seen(const std::vector<imap::FetchItem>& items) {
  for (const auto& i : items) {
    if (i.kind == Kind::rfc822 || i.kind == Kind::rfc822_text) return true;
    if ((i.kind == Kind::body_section || i.kind == Kind::binary) && !i.peek) return true;
  }
  return false;
}

FetchLine render_fetch(uint32_t msn, const MailboxView::Entry& e, const std::string* message,
                       const mime::Structure* s, const Summary* summary,
                       const std::vector<imap::FetchItem>& items, const FetchOptions& o) {
  FetchLine line;
  std::string& out = line.text;
  out = "* " + std::to_string(msn) + " FETCH (";
  bool first = true;
  auto next = [&] {
    if (!first) out += ' ';
    first = false;
  };
  bool sent_uid = false, sent_flags = false, sent_modseq = false;
  for (const auto& i : items) {
    if (i.kind == Kind::uid) {
      if (sent_uid) continue;
      sent_uid = true;
      next();
      out += "UID " + std::to_string(e.uid);
    } else if (i.kind == Kind::flags) {
      if (sent_flags) continue;
      sent_flags = true;
      next();
      out += "FLAGS " + flag_list(e.flags, o.recent);
    } else if (i.kind == Kind::modseq) {
      if (sent_modseq) continue;
      sent_modseq = true;
      next();
      out += "MODSEQ (" + std::to_string(e.modseq) + ")";
    } else if (i.kind == Kind::internaldate) {
      next();
      out += "INTERNALDATE " + imap::format_date_time(e.internal_date);
    } else if (i.kind == Kind::rfc822_size) {
      next();
      out += "RFC822.SIZE " + std::to_string(e.size);
    } else if (is_summary(i.kind)) {
      if (summary == nullptr) continue;  // the caller reports the message as unreadable
      next();
      if (i.kind == Kind::envelope) {
        out += "ENVELOPE " + summary->envelope;
      } else if (i.kind == Kind::body) {
        out += "BODY " + summary->body;
      } else {
        out += "BODYSTRUCTURE " + summary->bodystructure;
      }
    } else if (message == nullptr || s == nullptr) {
      continue;  // the caller reports the message as unreadable
    } else if (i.kind == Kind::rfc822) {
      next();
      out += "RFC822 ";
      literal(out, *message, false);
    } else if (i.kind == Kind::rfc822_header || i.kind == Kind::rfc822_text) {
      imap::Section section;
      section.text =
          i.kind == Kind::rfc822_header ? imap::Section::Text::header : imap::Section::Text::text;
      auto data = imap::section_text(*message, *s, section);
      next();
      out += i.kind == Kind::rfc822_header ? "RFC822.HEADER " : "RFC822.TEXT ";
      literal(out, data.ok() ? data.bytes() : std::string_view(), false);
    } else if (i.kind == Kind::body_section) {
      auto data = imap::section_text(*message, *s, i.section, i.partial);
      next();
      out += "BODY[" + i.section_text + "]" + origin(i.partial) + " ";
      // A part that does not exist is an empty string, as Dovecot answers.
      literal(out, data.ok() ? data.bytes() : std::string_view(), false);
    } else if (i.kind == Kind::binary) {
      auto data = imap::binary_text(*message, *s, i.section.part, i.partial);
      if (data.status() == imap::SectionData::Status::unknown_cte) {
        line.unknown_cte = true;
        continue;
      }
      next();
      out += "BINARY[" + i.section_text + "]" + origin(i.partial) + " ";
      literal(out, data.ok() ? data.bytes() : std::string_view(), data.ok() && data.has_nul());
    } else if (i.kind == Kind::binary_size) {
      auto size = imap::binary_size(*message, *s, i.section.part);
      if (size.status == imap::SectionData::Status::unknown_cte) {
        line.unknown_cte = true;
        continue;
      }
      next();
      out += "BINARY.SIZE[" + i.section_text + "] " + std::to_string(size.size);
    }
  }
  if (o.add_uid && !sent_uid) {
    next();
    out += "UID " + std::to_string(e.uid);
  }
  if (o.add_flags && !sent_flags) {
    next();
    out += "FLAGS " + flag_list(e.flags, o.recent);
  }
  if (o.add_modseq && !sent_modseq) {
    next();
    out += "MODSEQ (" + std::to_string(e.modseq) + ")";
  }
  out += ")\r\n";
  return line;
}

}  // namespace heron::server::imap
