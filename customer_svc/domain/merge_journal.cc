#include "customer_svc/domain/merge_journal.h"

#include <optional>

#include "common/audit/audit_log.h"

namespace crm::customer {

absl::StatusOr<v1::CustomerMerge> RecordMerge(DuplicateStore& store,
                                              const common::CallContext& call,
                                              const StoredMerge& journal,
                                              const std::vector<int64_t>& merged_ids,
                                              std::string_view reason, absl::Time now) {
  absl::StatusOr<int64_t> merge_id = store.InsertMerge(journal);
  if (!merge_id.ok()) return merge_id.status();
  absl::StatusOr<std::vector<v1::ChildMoveCount>> moves =
      store.MoveChildRows(*merge_id, journal.survivor_id, merged_ids);
  if (!moves.ok()) return moves.status();
  if (absl::Status s = store.SetMergeMoves(*merge_id, *moves); !s.ok()) return s;
  absl::StatusOr<std::optional<StoredMerge>> merge = store.LockMerge(*merge_id);
  if (!merge.ok()) return merge.status();
  if (!merge->has_value()) return absl::InternalError("merge record vanished after writing it");
  if (absl::Status s = store.InsertAuditEntry(common::MakeAuditEntry(
          call, (*merge)->merge.name(), crm::common::v1::AUDIT_ACTION_CREATE,
          common::DiffFromEmpty((*merge)->merge), reason, now));
      !s.ok()) {
    return s;
  }
  return std::move((*merge)->merge);
}

}  // namespace crm::customer
