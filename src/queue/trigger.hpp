#pragma once
// The queue trigger: a FIFO at <data_dir>/queue.trigger through which another process (the
// `heron queue inject|retry|release` commands) tells a running server that the queue has new
// due work, so the delivery loop wakes at once instead of at its next timer (the same idea as
// Postfix's qmgr FIFO). The server creates it and keeps it open for reading (and writing, so it
// never sees end-of-file); pull() writes one byte without blocking and silently does nothing
// when no server is running (no reader: ENXIO) or the FIFO is full (a wake-up is already
// pending). Thread: any. Failure: pull() never fails; open_trigger() returns an Error.

#include <filesystem>

#include "base/result.hpp"

namespace heron::queue {

std::filesystem::path trigger_path(const std::filesystem::path& data_dir);

// Server side: creates the FIFO if needed and returns a non-blocking descriptor for it.
Result<int> open_trigger(const std::filesystem::path& data_dir);

// Client side: nudges the server, if one is running.
void pull_trigger(const std::filesystem::path& data_dir);

}  // namespace heron::queue
