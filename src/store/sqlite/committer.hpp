#pragma once
// The mail store's committer: every delivery reaches the disk through one GroupCommitter
// (group_commit.hpp), which batches the deliveries queued while the previous batch was being
// written: N blob fsyncs (on a few threads in parallel), one directory fsync (the batch shares
// one shard), one WAL commit. Each delivery's rows go in under its own SAVEPOINT, so one with
// an unknown account fails alone:
//   - one blob row for the body, then per target: uid = the mailbox's uidnext (then bumped)
//     and modseq = ++highestmodseq, and the message row naming the blob.
// Thread: submit() from any thread; callbacks run on the committer thread, after the COMMIT,
// and must not call SqliteStore::deliver() (it would wait for the thread it runs on);
// deliver_async() is fine. Failure: per delivery, reported through its callback.

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "store/blob_files.hpp"
#include "store/mail_store.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/group_commit.hpp"

namespace heron::store::sqlite {

class Committer {
 public:
  Committer(Db& writer, std::mutex& writer_mutex, const BlobFiles& blobs,
            unsigned blob_write_threads);
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  void submit(Delivery delivery, MailStore::DeliverCallback done);
  // Any other write (flags, expunge, copy, mailbox changes) in the next batch: apply runs in
  // the batch's transaction under its own SAVEPOINT; done runs after the COMMIT.
  using Write = std::function<Result<void>(Db& db, int64_t now)>;
  void submit_write(Write apply, std::function<void(Result<void>)> done);
  uint64_t batches_committed() const { return group_.batches_committed(); }

 private:
  static Result<std::vector<Delivered>> insert_rows(Db& db, const Delivery& delivery,
                                                    const std::string& blob_id, uint64_t body_size,
                                                    int64_t now);

  // Commits (or fails) everything still queued when destroyed, then joins its thread.
  GroupCommitter group_;
};

}  // namespace heron::store::sqlite
