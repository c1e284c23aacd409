#include "store/sqlite/committer.hpp"

#include <cerrno>
#include <memory>
#include <utility>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "store/sqlite/rows.hpp"

namespace heron::store::sqlite {

Committer::Committer(Db& writer, std::mutex& writer_mutex, const BlobFiles& blobs,
                     unsigned blob_write_threads)
    : group_(writer, writer_mutex, blobs, blob_write_threads, "store", "deliver") {}

void Committer::submit(Delivery delivery, MailStore::DeliverCallback done) {
  // The body becomes the job's blob; the rest of the delivery stays with apply().
  auto delivered = std::make_shared<std::vector<Delivered>>();
  GroupCommitter::Job job;
  job.with_blob = true;
  job.blob = std::move(delivery.body);
  delivery.body.clear();
  job.apply = [d = std::move(delivery), delivered](Db& db, const std::string& blob_id,
                                                   std::string_view blob,
                                                   int64_t now) -> Result<void> {
    if (d.targets.empty()) return make_error("delivery has no targets", EINVAL);
    auto rows = insert_rows(db, d, blob_id, blob.size(), now);
    if (!rows) return rows.error();
    *delivered = std::move(*rows);
    return {};
  };
  job.done = [delivered, done = std::move(done)](Result<void> result) {
    if (!done) return;
    if (!result) {
      done(result.error());
    } else {
      done(std::move(*delivered));
    }
  };
  group_.submit(std::move(job));
}

void Committer::submit_write(Write apply, std::function<void(Result<void>)> done) {
  GroupCommitter::Job job;
  job.apply = [apply = std::move(apply)](Db& db, const std::string&, std::string_view,
                                         int64_t now) { return apply(db, now); };
  job.done = std::move(done);
  group_.submit(std::move(job));
}

Result<std::vector<Delivered>> Committer::insert_rows(Db& db, const Delivery& delivery,
                                                      const std::string& blob_id,
                                                      uint64_t body_size, int64_t now) {
  const int64_t internal_date = delivery.internal_date != 0 ? delivery.internal_date : now;
  {
    auto st = db.stmt("INSERT INTO blobs(id, size, refcount, created) VALUES (?, ?, 0, ?)");
    if (!st) return st.error();
    (*st)->bind(1, blob_id).bind(2, static_cast<int64_t>(body_size)).bind(3, now);
    if (auto r = (*st)->run(); !r) return r.error();
  }
  std::vector<Delivered> out;
  out.reserve(delivery.targets.size());
  for (const DeliveryTarget& target : delivery.targets) {
    // RETURNING gives the post-update values: the uid taken is uidnext - 1.
    static constexpr const char* kTake =
        "UPDATE mailboxes SET uidnext = uidnext + 1, highestmodseq = highestmodseq + 1 "
        "WHERE account_id = ? AND name = ? RETURNING id, uidnext - 1, highestmodseq";
    static constexpr const char* kTakeById =
        "UPDATE mailboxes SET uidnext = uidnext + 1, highestmodseq = highestmodseq + 1 "
        "WHERE id = ? RETURNING id, uidnext - 1, highestmodseq";
    // RFC 9051 5.1: INBOX is case-insensitive.
    const std::string mailbox = str::iequals(target.mailbox, "INBOX") || target.mailbox.empty()
                                    ? std::string("INBOX")
                                    : target.mailbox;
    Delivered d;
    d.account_id = target.account_id;
    uint64_t modseq = 0;
    bool found = false;
    auto take = [&](const char* sql, auto&& bind) -> Result<void> {
      auto st = db.stmt(sql);
      if (!st) return st.error();
      bind(**st);
      auto row = (*st)->step();
      if (!row) return row.error();
      if (!*row) return {};
      d.mailbox_id = (*st)->column_int(0);
      d.uid = static_cast<uint32_t>((*st)->column_int(1));
      modseq = static_cast<uint64_t>((*st)->column_int(2));
      found = true;
      return (*st)->run();  // finish the statement
    };
    if (target.mailbox_id != 0) {
      // APPEND: exactly this mailbox, which another session may have deleted meanwhile.
      auto r = take(kTakeById, [&](Stmt& st) { st.bind(1, target.mailbox_id); });
      if (!r) return r.error();
      if (!found) {
        return make_error("no such mailbox " + std::to_string(target.mailbox_id), ENOENT);
      }
    } else {
      for (const std::string& name : {mailbox, std::string("INBOX")}) {
        auto r = take(kTake, [&](Stmt& st) { st.bind(1, target.account_id).bind(2, name); });
        if (!r) return r.error();
        if (found) break;
      }
      if (!found) {
        return make_error("no such account " + std::to_string(target.account_id), ENOENT);
      }
    }
    auto st = db.stmt(
        "INSERT INTO messages(mailbox_id, uid, modseq, flags, internal_date, size, blob_id, "
        "header_prefix) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st) return st.error();
    (*st)
        ->bind(1, d.mailbox_id)
        .bind(2, static_cast<int64_t>(d.uid))
        .bind(3, static_cast<int64_t>(modseq))
        .bind(4, join_flags(target.flags))
        .bind(5, internal_date)
        .bind(6, static_cast<int64_t>(target.header_prefix.size() + body_size))
        .bind(7, blob_id)
        .bind_blob(8, target.header_prefix);
    if (auto r = (*st)->run(); !r) return r.error();
    d.message_id = db.last_insert_rowid();
    out.push_back(d);
  }
  return out;
}

}  // namespace heron::store::sqlite
