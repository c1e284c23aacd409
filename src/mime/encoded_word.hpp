#pragma once
// RFC 2047 encoded-words ("=?charset?B?...?=", "=?charset?Q?...?=") decoded to UTF-8, for
// SEARCH, display and Sieve. IMAP ENVELOPE and BODYSTRUCTURE send header text undecoded.
//
// Rules followed: blanks (and folds) between two adjacent encoded-words are dropped (6.2);
// adjacent words in the same charset are joined before conversion, so a multi-byte character
// split across two words survives; an RFC 2231 5 language suffix ("utf-8*en") is ignored.
// Tolerated, as mail readers do: words not separated from text by blanks, and blanks inside
// the encoded text. A word that is malformed, names an unknown charset or does not convert is
// left exactly as it was. Other bytes pass through unchanged (8-bit bytes included).
// Input: untrusted header text. Thread: any. Failure: none (see above).

#include <string>
#include <string_view>

namespace heron::mime {

std::string decode_encoded_words(std::string_view text);

}  // namespace heron::mime
