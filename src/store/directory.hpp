#pragma once
// Directory role: domains, accounts, aliases, and recipient resolution.
//
// Addresses are compared case-insensitively on the domain and, as every mainstream server
// does, on the local part too (stored lowercase). Resolution applies, in order: exact alias,
// account, plus-addressing (user+tag -> user, then aliases/accounts again), catch-all @domain.
// Alias targets resolve recursively up to 8 levels; loops are cut.
// Input: addresses from the network (untrusted); Thread: any (implementations are
// thread-safe). Failure: Result errors for storage faults; "no such user" is not an error.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/types.hpp"

namespace heron::store {

class Directory {
 public:
  virtual ~Directory() = default;

  virtual Result<Domain> add_domain(std::string_view name) = 0;
  virtual Result<void> delete_domain(std::string_view name) = 0;  // refuses while accounts remain
  virtual Result<std::vector<Domain>> list_domains() = 0;
  virtual Result<bool> is_local_domain(std::string_view name) = 0;

  // Creates the account with INBOX, Sent, Drafts, Trash, Junk and Archive (special-use).
  virtual Result<Account> add_account(std::string_view address, std::string_view password) = 0;
  virtual Result<void> set_password(std::string_view address, std::string_view password) = 0;
  virtual Result<void> delete_account(std::string_view address) = 0;  // with its mail
  // Submission's sender check for this account (Account::sender_check).
  virtual Result<void> set_sender_check(std::string_view address, bool on) = 0;
  virtual Result<std::vector<Account>> list_accounts(std::string_view domain = {}) = 0;
  virtual Result<std::optional<Account>> find_account(std::string_view address) = 0;
  // The account if the password matches its hash, nullopt otherwise (unknown user included).
  virtual Result<std::optional<Account>> authenticate(std::string_view address,
                                                      std::string_view password) = 0;

  virtual Result<Alias> add_alias(std::string_view source, std::string_view target) = 0;
  // Deletes one target, or every target of source when target is empty.
  virtual Result<void> delete_alias(std::string_view source, std::string_view target = {}) = 0;
  virtual Result<std::vector<Alias>> list_aliases(std::string_view domain = {}) = 0;

  virtual Result<Resolution> resolve(std::string_view address) = 0;
};

}  // namespace heron::store
