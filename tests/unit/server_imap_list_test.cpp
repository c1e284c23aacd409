// LIST/LSUB selection and attributes (server/imap/list.hpp), over a made-up account.

#include <gtest/gtest.h>

#include "server/imap/list.hpp"

namespace heron::server::imap {
namespace {

using Names = std::vector<std::string>;

std::vector<store::Mailbox> boxes(const std::vector<std::pair<std::string, std::string>>& spec) {
  std::vector<store::Mailbox> out;
  for (const auto& [name, use] : spec) {
    store::Mailbox m;
    m.name = name;
    m.special_use = use;
    out.push_back(m);
  }
  return out;
}

const auto kBoxes = boxes({{"INBOX", ""},
                           {"Sent", "\\Sent"},
                           {"Trash", "\\Trash"},
                           {"Work", ""},
                           {"Work/2025", ""},
                           {"Work/2026/Q1", ""},  // Work/2026 does not exist
                           {"INBOX/Receipts", ""}});

std::string render(const std::vector<ListEntry>& entries) {
  std::string out;
  for (const ListEntry& e : entries) {
    out += e.name + " (";
    for (size_t i = 0; i < e.attributes.size(); ++i) out += (i ? " " : "") + e.attributes[i];
    out += ")";
    if (e.child_subscribed) out += " CHILDINFO";
    out += "\n";
  }
  return out;
}

std::string list(ListQuery q, const Names& subs = {}) {
  return render(list_mailboxes(q, kBoxes, subs));
}

TEST(ImapList, MatchesWildcards) {
  EXPECT_TRUE(list_matches("*", "Work/2026/Q1"));
  EXPECT_TRUE(list_matches("%", "Work"));
  EXPECT_FALSE(list_matches("%", "Work/2025"));
  EXPECT_TRUE(list_matches("Work/%", "Work/2025"));
  EXPECT_FALSE(list_matches("Work/%", "Work/2026/Q1"));
  EXPECT_TRUE(list_matches("W*1", "Work/2026/Q1"));
  EXPECT_TRUE(list_matches("inbox", "INBOX"));
  EXPECT_TRUE(list_matches("Inbox/%", "INBOX/Receipts"));
  EXPECT_FALSE(list_matches("inboxes", "INBOX"));
  EXPECT_FALSE(list_matches("work", "Work"));  // only INBOX is case-insensitive
  EXPECT_TRUE(list_matches("%%%*%%", "a/b/c"));
  // No exponential blow-up on many wildcards against a long name.
  EXPECT_FALSE(list_matches(std::string(200, '%') + "x", std::string(500, 'a')));
}

TEST(ImapList, PercentWalksTheTreeWithNonExistentParents) {
  ListQuery q;
  q.patterns = {"%"};
  EXPECT_EQ(list(q),
            "INBOX (\\HasChildren)\nSent (\\HasNoChildren \\Sent)\nTrash (\\HasNoChildren "
            "\\Trash)\nWork (\\HasChildren)\n");
  q.patterns = {"Work/%"};
  EXPECT_EQ(list(q), "Work/2025 (\\HasNoChildren)\nWork/2026 (\\Noselect \\HasChildren)\n");
  q.extended = true;
  EXPECT_EQ(list(q), "Work/2025 (\\HasNoChildren)\nWork/2026 (\\NonExistent \\HasChildren)\n");
}

TEST(ImapList, ReferenceAndEmptyPattern) {
  ListQuery q;
  q.patterns = {""};
  EXPECT_EQ(list(q), " (\\Noselect)\n");
  q.reference = "Work/";
  q.patterns = {"%"};
  EXPECT_EQ(list(q), "Work/2025 (\\HasNoChildren)\nWork/2026 (\\Noselect \\HasChildren)\n");
}

TEST(ImapList, SubscribedSelectionAndRecursiveMatch) {
  const Names subs = {"INBOX", "Work/2026/Q1", "Gone"};
  ListQuery q;
  q.patterns = {"*"};
  q.select_subscribed = true;
  q.extended = true;
  EXPECT_EQ(list(q, subs),
            "INBOX (\\HasChildren \\Subscribed)\nGone (\\NonExistent \\HasNoChildren "
            "\\Subscribed)\nWork/2026/Q1 (\\HasNoChildren \\Subscribed)\n");
  q.patterns = {"%"};
  q.recursive_match = true;
  EXPECT_EQ(list(q, subs),
            "INBOX (\\HasChildren \\Subscribed)\nGone (\\NonExistent \\HasNoChildren "
            "\\Subscribed)\nWork (\\HasChildren) CHILDINFO\n");
}

TEST(ImapList, SpecialUseSelectionAndReturnSubscribed) {
  ListQuery q;
  q.patterns = {"*"};
  q.select_special_use = true;
  q.return_subscribed = true;
  EXPECT_EQ(list(q, {"Sent"}),
            "Sent (\\HasNoChildren \\Sent \\Subscribed)\nTrash (\\HasNoChildren \\Trash)\n");
}

TEST(ImapList, Lsub) {
  ListQuery q;
  q.lsub = true;
  q.patterns = {"*"};
  EXPECT_EQ(list(q, {"Sent", "Gone", "Work/2025"}),
            "Gone (\\Noselect)\nSent ()\nWork (\\Noselect)\nWork/2025 ()\n");
}

}  // namespace
}  // namespace heron::server::imap
