#include "customer_svc/repository/lifecycle_moves.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/sql_query.h"
#include "customer_svc/repository/mysql_referral_repository.h"

namespace crm::customer {

absl::Status StoreStageMove(sql::Connection& connection, const StageMove& move) {
  const std::string name = common::FormatResourceName("customers", move.customer_id);
  common::SqlQuery select;
  select.Add("SELECT stage_enter_time FROM customers WHERE id = ? AND lifecycle_stage = ?",
             {move.customer_id, int64_t{move.from}});
  common::QueryResult row = common::Query(connection, select);
  if (!row->next()) {
    return absl::AbortedError(
        absl::StrCat(name, " changed lifecycle stage concurrently; re-read and retry"));
  }
  absl::StatusOr<google::protobuf::Timestamp> entered =
      common::ReadTimestamp(*row, "stage_enter_time");
  if (!entered.ok()) return entered.status();
  const std::string now = common::FormatMysqlDatetime(move.time);

  common::SqlQuery update;
  update.Add(
      "UPDATE customers SET lifecycle_stage = ?, stage_enter_time = ?, update_time = ?, "
      "version = version + 1 WHERE id = ? AND lifecycle_stage = ?",
      {int64_t{move.to}, now, now, move.customer_id, int64_t{move.from}});
  if (common::Execute(connection, update) != 1) {
    return absl::AbortedError(
        absl::StrCat(name, " changed lifecycle stage concurrently; re-read and retry"));
  }
  common::SqlQuery transition;
  transition.Add(
      "INSERT INTO lifecycle_transitions (customer_id, from_stage, to_stage, transition_time, "
      "actor, reason, automatic) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {move.customer_id, int64_t{move.from}, int64_t{move.to}, now, move.actor, move.reason,
       int64_t{move.automatic ? 1 : 0}});
  common::Execute(connection, transition);
  if (move.to == v1::LIFECYCLE_STAGE_ACTIVE) QualifyReferralsOf(connection, move.customer_id, move.time);

  v1::Customer before;
  before.set_lifecycle_stage(move.from);
  *before.mutable_stage_enter_time() = *entered;
  v1::Customer after;
  after.set_lifecycle_stage(move.to);
  *after.mutable_stage_enter_time() = common::ToProtoTimestamp(move.time);
  crm::common::v1::AuditEntry entry;
  entry.set_resource(name);
  entry.set_action(crm::common::v1::AUDIT_ACTION_STATE_CHANGE);
  for (crm::common::v1::FieldChange& change : common::DiffMessages(before, after)) {
    *entry.add_field_changes() = std::move(change);
  }
  entry.set_actor(move.actor);
  entry.set_request_id(move.request_id);
  entry.set_reason(move.reason);
  *entry.mutable_create_time() = common::ToProtoTimestamp(move.time);
  common::InsertAuditEntry(connection, entry);
  return absl::OkStatus();
}

}  // namespace crm::customer
