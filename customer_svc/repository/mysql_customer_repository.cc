#include "customer_svc/repository/mysql_customer_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/batch_insert.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "customer_svc/repository/mysql_duplicate_repository.h"
#include "customer_svc/repository/mysql_opportunity_repository.h"
#include "customer_svc/repository/mysql_referral_repository.h"

namespace crm::customer {
namespace {

using common::AddConditions;
using common::EscapeLike;
using common::LastInsertId;
using common::Prepare;
using common::SqlQuery;

std::string_view CustomerColumnSql(CustomerColumn column) {
  switch (column) {
    case CustomerColumn::kDisplayName: return "c.display_name";
    case CustomerColumn::kEmail: return "c.email";
    case CustomerColumn::kKind: return "c.kind";
    case CustomerColumn::kLifecycleStage: return "c.lifecycle_stage";
    case CustomerColumn::kTier: return "c.tier";
    case CustomerColumn::kParent: return "c.parent_id";
    case CustomerColumn::kAccountManager: return "c.account_manager";
    case CustomerColumn::kWebDomain: return "c.web_domain";
    case CustomerColumn::kTaxId: return "c.tax_id";
    case CustomerColumn::kSourceKind: return "c.source_kind";
    case CustomerColumn::kCreateTime: return "c.create_time";
  }
  return "NULL";
}

std::string_view TransitionColumnSql(TransitionColumn column) {
  switch (column) {
    case TransitionColumn::kFromStage: return "t.from_stage";
    case TransitionColumn::kToStage: return "t.to_stage";
    case TransitionColumn::kAutomatic: return "t.automatic";
    case TransitionColumn::kTransitionTime: return "t.transition_time";
  }
  return "NULL";
}

std::string_view OrderColumnSql(CustomerOrder order) {
  switch (order) {
    case CustomerOrder::kDisplayName: return "c.display_name";
    case CustomerOrder::kUpdateTime: return "c.update_time";
    case CustomerOrder::kCreateTime: break;
  }
  return "c.create_time";
}

constexpr char kCustomerColumns[] =
    "c.id, c.kind, c.display_name, c.web_domain, c.tax_id, c.parent_id, c.email, c.phone, "
    "c.lifecycle_stage, c.stage_enter_time, c.tier, c.account_manager, c.details, c.version, "
    "c.create_time, c.update_time, c.delete_time";

absl::StatusOr<StoredCustomer> ReadCustomer(const sql::ResultSet& row) {
  StoredCustomer stored;
  stored.id = row.getInt64("id");
  stored.version = row.getInt64("version");
  v1::Customer& customer = stored.customer;
  if (!customer.ParseFromString(std::string(row.getString("details")))) {
    return absl::InternalError("stored customer details are unreadable");
  }
  customer.set_name(common::FormatResourceName("customers", stored.id));
  customer.set_kind(static_cast<v1::CustomerKind>(row.getInt("kind")));
  customer.set_display_name(std::string(row.getString("display_name")));
  if (!row.isNull("web_domain")) {
    customer.mutable_organization_key()->set_web_domain(std::string(row.getString("web_domain")));
  }
  if (!row.isNull("tax_id")) {
    customer.mutable_organization_key()->set_tax_id(std::string(row.getString("tax_id")));
  }
  if (!row.isNull("parent_id")) {
    customer.set_parent(common::FormatResourceName("customers", row.getInt64("parent_id")));
  }
  customer.set_email(std::string(row.getString("email")));
  customer.set_phone(std::string(row.getString("phone")));
  customer.set_lifecycle_stage(static_cast<v1::LifecycleStage>(row.getInt("lifecycle_stage")));
  customer.set_tier(static_cast<v1::Tier>(row.getInt("tier")));
  customer.set_account_manager(std::string(row.getString("account_manager")));
  customer.set_etag(common::FormatEtag(stored.version));
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
           {"stage_enter_time", customer.mutable_stage_enter_time()},
           {"create_time", customer.mutable_create_time()},
           {"update_time", customer.mutable_update_time()}}) {
    absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, column);
    if (!time.ok()) return time.status();
    *field = *time;
  }
  if (!row.isNull("delete_time")) {
    absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, "delete_time");
    if (!time.ok()) return time.status();
    *customer.mutable_delete_time() = *time;
  }
  return stored;
}

// What goes into `details`: the fields that have no column.
std::string DetailsBytes(const v1::Customer& customer) {
  v1::Customer details;
  *details.mutable_postal_address() = customer.postal_address();
  *details.mutable_contacts() = customer.contacts();
  *details.mutable_needs() = customer.needs();
  *details.mutable_source() = customer.source();
  *details.mutable_consents() = customer.consents();
  details.set_merged_into(customer.merged_into());  // set by MergeCustomers on the tombstone
  return details.SerializeAsString();
}

// Binds the columns a customer writes, in the order of kWrittenColumns.
constexpr char kWrittenColumns[] =
    "kind = ?, display_name = ?, web_domain = ?, tax_id = ?, parent_id = ?, email = ?, phone = ?, "
    "lifecycle_stage = ?, stage_enter_time = ?, tier = ?, source_kind = ?, account_manager = ?, "
    "details = ?, create_time = ?, update_time = ?, delete_time = ?";
constexpr int kWrittenColumnCount = 16;

absl::Status BindCustomer(sql::PreparedStatement& statement, const v1::Customer& customer,
                          std::istringstream& details) {
  const crm::common::v1::OrganizationKey& key = customer.organization_key();
  statement.setInt(1, customer.kind());
  statement.setString(2, customer.display_name());
  if (key.web_domain().empty()) {
    statement.setNull(3, sql::DataType::VARCHAR);
  } else {
    statement.setString(3, key.web_domain());
  }
  if (key.tax_id().empty()) {
    statement.setNull(4, sql::DataType::VARCHAR);
  } else {
    statement.setString(4, key.tax_id());
  }
  if (customer.parent().empty()) {
    statement.setNull(5, sql::DataType::BIGINT);
  } else {
    absl::StatusOr<int64_t> parent =
        common::ParseResourceId("customer.parent", customer.parent(), "customers");
    if (!parent.ok()) return parent.status();
    statement.setInt64(5, *parent);
  }
  statement.setString(6, customer.email());
  statement.setString(7, customer.phone());
  statement.setInt(8, customer.lifecycle_stage());
  statement.setString(9, common::SqlTime(customer.stage_enter_time()));
  statement.setInt(10, customer.tier());
  statement.setInt(11, customer.source().kind());
  statement.setString(12, customer.account_manager());
  statement.setBlob(13, &details);
  statement.setString(14, common::SqlTime(customer.create_time()));
  statement.setString(15, common::SqlTime(customer.update_time()));
  if (customer.has_delete_time()) {
    statement.setString(16, common::SqlTime(customer.delete_time()));
  } else {
    statement.setNull(16, sql::DataType::TIMESTAMP);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<StoredCustomer>> SelectCustomer(sql::Connection& connection,
                                                             int64_t id, bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kCustomerColumns, " FROM customers c WHERE c.id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id});
  common::CachedStatement statement = Prepare(connection, query);
  std::unique_ptr<sql::ResultSet> row(statement->executeQuery());
  if (!row->next()) return std::nullopt;
  absl::StatusOr<StoredCustomer> customer = ReadCustomer(*row);
  if (!customer.ok()) return customer.status();
  return *std::move(customer);
}

absl::StatusOr<StoredTransition> ReadTransition(const sql::ResultSet& row) {
  StoredTransition stored;
  stored.id = row.getInt64("id");
  stored.customer_id = row.getInt64("customer_id");
  v1::LifecycleTransition& transition = stored.transition;
  transition.set_name(common::FormatNestedResourceName(
      {{"customers", stored.customer_id}, {"lifecycleTransitions", stored.id}}));
  transition.set_from_stage(static_cast<v1::LifecycleStage>(row.getInt("from_stage")));
  transition.set_to_stage(static_cast<v1::LifecycleStage>(row.getInt("to_stage")));
  absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, "transition_time");
  if (!time.ok()) return time.status();
  *transition.mutable_transition_time() = *time;
  transition.set_actor(std::string(row.getString("actor")));
  transition.set_reason(std::string(row.getString("reason")));
  transition.set_automatic(row.getBoolean("automatic"));
  return stored;
}

// The operations of one transaction on `connection`.
class MySqlCustomerStore final : public CustomerStore {
 public:
  explicit MySqlCustomerStore(sql::Connection& connection) : connection_(connection) {}

  OpportunityStore& Opportunities() override {
    if (opportunities_ == nullptr) opportunities_ = MakeMySqlOpportunityStore(connection_);
    return *opportunities_;
  }

  DuplicateStore& Merges() override {
    if (merges_ == nullptr) merges_ = MakeMySqlDuplicateStore(connection_);
    return *merges_;
  }

  absl::StatusOr<std::optional<StoredCustomer>> LockCustomer(int64_t id) override {
    return SelectCustomer(connection_, id, /*for_update=*/true);
  }

  absl::StatusOr<std::optional<int64_t>> FindLiveByWebDomain(std::string_view web_domain,
                                                             int64_t except_id) override {
    return FindLive("live_web_domain", web_domain, except_id);
  }

  absl::StatusOr<std::optional<int64_t>> FindLiveByTaxId(std::string_view tax_id,
                                                         int64_t except_id) override {
    return FindLive("live_tax_id", tax_id, except_id);
  }

  absl::StatusOr<StoredCustomer> InsertCustomer(const v1::Customer& customer) override {
    common::CachedStatement statement = common::PrepareCached(
        connection_,
        absl::StrCat(
            "INSERT INTO customers (kind, display_name, web_domain, tax_id, parent_id, email, "
            "phone, "
            "lifecycle_stage, stage_enter_time, tier, source_kind, account_manager, details, "
            "create_time, update_time, delete_time, version) VALUES (",
            common::Placeholders(kWrittenColumnCount), ", 1)"));
    std::istringstream details(DetailsBytes(customer));
    if (absl::Status bound = BindCustomer(*statement, customer, details); !bound.ok()) {
      return bound;
    }
    statement->executeUpdate();
    return Reread(LastInsertId(connection_));
  }

  absl::StatusOr<StoredCustomer> UpdateCustomer(const v1::Customer& customer,
                                                int64_t expected_version) override {
    absl::StatusOr<int64_t> id = common::ParseResourceId("customer.name", customer.name(),
                                                         "customers");
    if (!id.ok()) return id.status();
    common::CachedStatement statement = common::PrepareCached(
        connection_, absl::StrCat("UPDATE customers SET ", kWrittenColumns,
                                  ", version = version + 1 WHERE id = ? AND version = ?"));
    std::istringstream details(DetailsBytes(customer));
    if (absl::Status bound = BindCustomer(*statement, customer, details); !bound.ok()) {
      return bound;
    }
    statement->setInt64(kWrittenColumnCount + 1, *id);
    statement->setInt64(kWrittenColumnCount + 2, expected_version);
    if (statement->executeUpdate() != 1) {
      return absl::AbortedError(absl::StrCat(customer.name(),
                                             " was modified concurrently; re-read and retry"));
    }
    return Reread(*id);
  }

  absl::StatusOr<StoredTransition> InsertTransition(
      int64_t customer_id, const v1::LifecycleTransition& transition) override {
    common::CachedStatement statement = common::PrepareCached(
        connection_,
        "INSERT INTO lifecycle_transitions (customer_id, from_stage, to_stage, transition_time, "
        "actor, reason, automatic) VALUES (?, ?, ?, ?, ?, ?, ?)");
    statement->setInt64(1, customer_id);
    statement->setInt(2, transition.from_stage());
    statement->setInt(3, transition.to_stage());
    statement->setString(4, common::SqlTime(transition.transition_time()));
    statement->setString(5, transition.actor());
    statement->setString(6, transition.reason());
    statement->setBoolean(7, transition.automatic());
    statement->executeUpdate();
    if (transition.to_stage() == v1::LIFECYCLE_STAGE_ACTIVE) {
      QualifyReferralsOf(connection_, customer_id,
                         common::FromProtoTimestamp(transition.transition_time()));
    }
    StoredTransition stored;
    stored.id = LastInsertId(connection_);
    stored.customer_id = customer_id;
    stored.transition = transition;
    stored.transition.set_name(common::FormatNestedResourceName(
        {{"customers", customer_id}, {"lifecycleTransitions", stored.id}}));
    return stored;
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<int64_t>> InsertCustomers(
      const std::vector<const v1::Customer*>& customers) override {
    std::vector<common::SqlValue> values;
    values.reserve(customers.size() * kInsertedColumnCount);
    for (const v1::Customer* customer : customers) {
      if (absl::Status added = AddCustomerValues(values, *customer); !added.ok()) return added;
    }
    std::vector<int64_t> ids;
    ids.reserve(customers.size());
    // MariaDB returns the generated ids in insertion order.
    common::QueryBatched(
        connection_,
        "INSERT INTO customers (kind, display_name, web_domain, tax_id, parent_id, email, phone, "
        "lifecycle_stage, stage_enter_time, tier, source_kind, account_manager, details, "
        "create_time, update_time, delete_time, version) VALUES ",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", " RETURNING id",
        kInsertedColumnCount, values, kCustomersPerStatement,
        [&](sql::ResultSet& rows) {
          while (rows.next()) ids.push_back(rows.getInt64(1));
        });
    if (ids.size() != customers.size()) {
      return absl::InternalError("bulk customer insert returned fewer ids than rows");
    }
    return ids;
  }

  absl::Status InsertTransitions(
      const std::vector<std::pair<int64_t, v1::LifecycleTransition>>& transitions) override {
    std::vector<common::SqlValue> values;
    values.reserve(transitions.size() * 7);
    for (const auto& [customer_id, transition] : transitions) {
      values.insert(values.end(),
                    {customer_id, int64_t{transition.from_stage()}, int64_t{transition.to_stage()},
                     common::SqlTime(transition.transition_time()), transition.actor(),
                     transition.reason(), int64_t{transition.automatic() ? 1 : 0}});
    }
    // The customers were inserted by this transaction: checking the foreign
    // key once per row would only repeat that (SET STATEMENT restores the
    // setting when the statement ends).
    common::ExecuteBatched(connection_,
                           "SET STATEMENT foreign_key_checks = 0 FOR "
                           "INSERT INTO lifecycle_transitions (customer_id, from_stage, to_stage, "
                           "transition_time, actor, reason, automatic) VALUES ",
                           "(?, ?, ?, ?, ?, ?, ?)", "", 7, values, kTransitionsPerStatement);
    return absl::OkStatus();
  }

  absl::Status InsertAuditEntries(
      const std::vector<crm::common::v1::AuditEntry>& entries) override {
    common::InsertAuditEntries(connection_, entries);
    return absl::OkStatus();
  }

  absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> FindLiveByWebDomains(
      const std::vector<std::string>& web_domains) override {
    return FindLiveByValues("live_web_domain", web_domains);
  }

  absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> FindLiveByTaxIds(
      const std::vector<std::string>& tax_ids) override {
    return FindLiveByValues("live_tax_id", tax_ids);
  }

  absl::StatusOr<absl::flat_hash_set<int64_t>> LockLiveCustomerIds(
      const std::vector<int64_t>& ids) override {
    absl::flat_hash_set<int64_t> live;
    for (size_t begin = 0; begin < ids.size(); begin += kValuesPerLookup) {
      const size_t end = std::min(ids.size(), begin + kValuesPerLookup);
      SqlQuery query;
      query.text = absl::StrCat("SELECT id FROM customers WHERE delete_time IS NULL AND id IN (",
                                common::Placeholders(end - begin), ") LOCK IN SHARE MODE");
      for (size_t i = begin; i < end; ++i) query.params.emplace_back(ids[i]);
      common::CachedStatement statement = Prepare(connection_, query);
      std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
      while (rows->next()) live.insert(rows->getInt64(1));
    }
    return live;
  }

  absl::StatusOr<std::vector<v1::DuplicateRule>> LoadEnabledDuplicateRules() override {
    SqlQuery query;
    query.Add(
        "SELECT id, conditions FROM duplicate_rules WHERE delete_time IS NULL AND enabled "
        "ORDER BY id");
    common::CachedStatement statement = Prepare(connection_, query);
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    std::vector<v1::DuplicateRule> rules;
    while (rows->next()) {
      v1::DuplicateRule& rule = rules.emplace_back();
      if (!rule.ParseFromString(common::ReadString(*rows, "conditions"))) {
        return absl::InternalError("stored duplicate rule conditions are unreadable");
      }
      rule.set_name(common::FormatResourceName("duplicateRules", rows->getInt64("id")));
      rule.set_enabled(true);
    }
    return rules;
  }

  absl::Status ForEachLiveCustomer(
      bool with_postal_address,
      absl::FunctionRef<void(int64_t id, const v1::Customer& customer)> visit) override {
    SqlQuery query;
    query.Add(absl::StrCat("SELECT id, display_name, email, phone, web_domain, tax_id",
                           with_postal_address ? ", details" : "",
                           " FROM customers WHERE delete_time IS NULL ORDER BY id"));
    common::CachedStatement statement = Prepare(connection_, query);
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    v1::Customer customer;
    while (rows->next()) {
      customer.Clear();
      if (with_postal_address) {
        v1::Customer details;
        if (!details.ParseFromString(common::ReadString(*rows, "details"))) {
          return absl::InternalError("stored customer details are unreadable");
        }
        *customer.mutable_postal_address() = std::move(*details.mutable_postal_address());
      }
      customer.set_display_name(common::ReadString(*rows, "display_name"));
      customer.set_email(common::ReadString(*rows, "email"));
      customer.set_phone(common::ReadString(*rows, "phone"));
      if (!rows->isNull("web_domain")) {
        customer.mutable_organization_key()->set_web_domain(common::ReadString(*rows, "web_domain"));
      }
      if (!rows->isNull("tax_id")) {
        customer.mutable_organization_key()->set_tax_id(common::ReadString(*rows, "tax_id"));
      }
      visit(rows->getInt64("id"), customer);
    }
    return absl::OkStatus();
  }

 private:
  // Rows per multi-row statement: well below the 65,535 placeholders allowed.
  static constexpr size_t kCustomersPerStatement = 2000;    // 32,000 placeholders
  static constexpr size_t kTransitionsPerStatement = 5000;  // 35,000
  static constexpr size_t kValuesPerLookup = 1000;

  static constexpr size_t kInsertedColumnCount = 16;

  // Appends the 16 values InsertCustomer writes (version aside).
  static absl::Status AddCustomerValues(std::vector<common::SqlValue>& values,
                                        const v1::Customer& customer) {
    const crm::common::v1::OrganizationKey& key = customer.organization_key();
    common::SqlValue parent = common::SqlNull{};
    if (!customer.parent().empty()) {
      absl::StatusOr<int64_t> parent_id =
          common::ParseResourceId("customer.parent", customer.parent(), "customers");
      if (!parent_id.ok()) return parent_id.status();
      parent = *parent_id;
    }
    auto optional_text = [](const std::string& text) -> common::SqlValue {
      if (text.empty()) return common::SqlNull{};
      return text;
    };
    values.insert(values.end(),
                  {int64_t{customer.kind()}, customer.display_name(),
                   optional_text(key.web_domain()), optional_text(key.tax_id()), parent,
                   customer.email(), customer.phone(), int64_t{customer.lifecycle_stage()},
                   common::SqlTime(customer.stage_enter_time()), int64_t{customer.tier()},
                   int64_t{customer.source().kind()}, customer.account_manager(),
                   DetailsBytes(customer), common::SqlTime(customer.create_time()),
                   common::SqlTime(customer.update_time()),
                   customer.has_delete_time()
                       ? common::SqlValue(common::SqlTime(customer.delete_time()))
                       : common::SqlValue(common::SqlNull{})});
    return absl::OkStatus();
  }

  absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> FindLiveByValues(
      const char* column, const std::vector<std::string>& values) {
    absl::flat_hash_map<std::string, int64_t> found;
    for (size_t begin = 0; begin < values.size(); begin += kValuesPerLookup) {
      const size_t end = std::min(values.size(), begin + kValuesPerLookup);
      SqlQuery query;
      query.text = absl::StrCat("SELECT ", column, ", id FROM customers WHERE ", column, " IN (",
                                common::Placeholders(end - begin), ")");
      for (size_t i = begin; i < end; ++i) query.params.emplace_back(values[i]);
      common::CachedStatement statement = Prepare(connection_, query);
      std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
      while (rows->next()) found[std::string(rows->getString(1))] = rows->getInt64(2);
    }
    return found;
  }

  absl::StatusOr<std::optional<int64_t>> FindLive(const char* column, std::string_view value,
                                                  int64_t except_id) {
    SqlQuery query;
    query.Add(absl::StrCat("SELECT id FROM customers WHERE ", column, " = ? AND id <> ? LIMIT 1"),
              {std::string(value), except_id});
    common::CachedStatement statement = Prepare(connection_, query);
    std::unique_ptr<sql::ResultSet> row(statement->executeQuery());
    if (!row->next()) return std::nullopt;
    return row->getInt64(1);
  }

  absl::StatusOr<StoredCustomer> Reread(int64_t id) {
    absl::StatusOr<std::optional<StoredCustomer>> stored =
        SelectCustomer(connection_, id, /*for_update=*/true);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::InternalError("customer vanished after writing it");
    return **std::move(stored);
  }

  sql::Connection& connection_;
  std::unique_ptr<OpportunityStore> opportunities_;
  std::unique_ptr<DuplicateStore> merges_;
};

}  // namespace

std::unique_ptr<CustomerStore> MakeMySqlCustomerStore(sql::Connection& connection) {
  return std::make_unique<MySqlCustomerStore>(connection);
}

MySqlCustomerRepository::MySqlCustomerRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlCustomerRepository::Transact(
    absl::Time deadline, absl::FunctionRef<absl::Status(CustomerStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlCustomerStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlCustomerRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(CustomerStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlCustomerStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredCustomer>> MySqlCustomerRepository::GetCustomer(
    absl::Time deadline, int64_t id) {
  absl::StatusOr<std::optional<StoredCustomer>> result;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    result = SelectCustomer(c, id, /*for_update=*/false);
    return result.status();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<StoredCustomer>> MySqlCustomerRepository::ListCustomers(
    absl::Time deadline, const CustomerListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kCustomerColumns, " FROM customers c WHERE TRUE"));
  if (!list.show_deleted) query.Add(" AND c.delete_time IS NULL");
  AddConditions(query, list.conditions, &CustomerColumnSql);
  const std::string sort(OrderColumnSql(list.order));
  const std::string after = list.descending ? " < ?" : " > ?";
  if (list.after.has_value()) {
    query.Add(absl::StrCat(" AND (", sort, after, " OR (", sort, " = ? AND c.id", after, "))"),
              {list.after->sort_value, list.after->sort_value, list.after->id});
  }
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", c.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});

  std::vector<StoredCustomer> customers;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::CachedStatement statement = Prepare(c, query);
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    while (rows->next()) {
      absl::StatusOr<StoredCustomer> customer = ReadCustomer(*rows);
      if (!customer.ok()) return customer.status();
      customers.push_back(*std::move(customer));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return customers;
}

absl::StatusOr<std::vector<StoredTransition>> MySqlCustomerRepository::ListTransitions(
    absl::Time deadline, const TransitionListQuery& list) {
  SqlQuery query;
  query.Add(
      "SELECT t.id, t.customer_id, t.from_stage, t.to_stage, t.transition_time, t.actor, "
      "t.reason, t.automatic FROM lifecycle_transitions t WHERE TRUE");
  if (list.customer_id.has_value()) query.Add(" AND t.customer_id = ?", {*list.customer_id});
  AddConditions(query, list.conditions, &TransitionColumnSql);
  if (list.before_id.has_value()) query.Add(" AND t.id < ?", {*list.before_id});
  query.Add(" ORDER BY t.id DESC LIMIT ?", {int64_t{list.limit}});

  std::vector<StoredTransition> transitions;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::CachedStatement statement = Prepare(c, query);
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    while (rows->next()) {
      absl::StatusOr<StoredTransition> transition = ReadTransition(*rows);
      if (!transition.ok()) return transition.status();
      transitions.push_back(*std::move(transition));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return transitions;
}

absl::StatusOr<std::vector<v1::LifecycleFunnelStage>> MySqlCustomerRepository::ComputeFunnel(
    absl::Time deadline, const FunnelQuery& funnel) {
  // Each transition is one stay in its to_stage, ended by the customer's next
  // transition (if any). "Advanced" means that next stage is later in funnel
  // order (the enum order LEAD..WON_BACK).
  const std::string start = common::FormatMysqlDatetime(funnel.start);
  const std::string end = common::FormatMysqlDatetime(funnel.end);
  SqlQuery query;
  query.Add(
      "WITH stays AS ("
      " SELECT t.to_stage AS stage, t.transition_time AS enter_time,"
      "  LEAD(t.to_stage) OVER (PARTITION BY t.customer_id ORDER BY t.transition_time, t.id)"
      "   AS next_stage,"
      "  LEAD(t.transition_time) OVER (PARTITION BY t.customer_id ORDER BY t.transition_time, t.id)"
      "   AS leave_time"
      " FROM lifecycle_transitions t JOIN customers c ON c.id = t.customer_id"
      " WHERE c.delete_time IS NULL");
  AddConditions(query, funnel.conditions, &CustomerColumnSql);
  query.Add(
      ") SELECT stage,"
      " SUM(enter_time >= ? AND enter_time < ?) AS entered,"
      " SUM(enter_time >= ? AND enter_time < ? AND leave_time < ? AND next_stage > stage)"
      "  AS advanced,"
      " AVG(CASE WHEN leave_time >= ? AND leave_time < ?"
      "  THEN TIMESTAMPDIFF(MICROSECOND, enter_time, leave_time) END) AS average_micros,"
      " SUM(enter_time < ? AND (leave_time IS NULL OR leave_time >= ?)) AS current_count"
      " FROM stays GROUP BY stage",
      {start, end, start, end, end, start, end, end, end});

  std::map<int, v1::LifecycleFunnelStage> by_stage;
  for (int stage = v1::LIFECYCLE_STAGE_LEAD; stage <= v1::LifecycleStage_MAX; ++stage) {
    by_stage[stage].set_stage(static_cast<v1::LifecycleStage>(stage));
  }
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::CachedStatement statement = Prepare(c, query);
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    while (rows->next()) {
      auto found = by_stage.find(rows->getInt("stage"));
      if (found == by_stage.end()) continue;
      v1::LifecycleFunnelStage& stage = found->second;
      stage.set_entered_count(rows->getInt64("entered"));
      stage.set_advanced_count(rows->getInt64("advanced"));
      stage.set_current_count(rows->getInt64("current_count"));
      if (stage.entered_count() > 0) {
        stage.set_conversion_basis_points(
            static_cast<int32_t>(stage.advanced_count() * 10000 / stage.entered_count()));
      }
      if (!rows->isNull("average_micros")) {
        const int64_t micros = static_cast<int64_t>(rows->getDouble("average_micros") + 0.5);
        stage.mutable_average_time_in_stage()->set_seconds(micros / 1000000);
        stage.mutable_average_time_in_stage()->set_nanos(
            static_cast<int32_t>(micros % 1000000) * 1000);
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  std::vector<v1::LifecycleFunnelStage> stages;
  for (auto& [number, stage] : by_stage) stages.push_back(std::move(stage));
  return stages;
}

absl::StatusOr<v1::CustomerSummary> MySqlCustomerRepository::ComputeSummary(
    absl::Time deadline, const SummaryQuery& summary_query) {
  SqlQuery counts;
  counts.Add(
      "SELECT c.lifecycle_stage, c.tier, COUNT(*) AS customers FROM customers c "
      "WHERE c.delete_time IS NULL");
  AddConditions(counts, summary_query.conditions, &CustomerColumnSql);
  counts.Add(" GROUP BY c.lifecycle_stage, c.tier");
  // Purchase states 3 CANCELLED and 4 RETURNED do not count as revenue.
  SqlQuery revenue;
  revenue.Add(
      "SELECT p.currency, SUM(p.amount_minor) AS amount FROM purchases p "
      "JOIN customers c ON c.id = p.customer_id "
      "WHERE c.delete_time IS NULL AND p.delete_time IS NULL AND p.state NOT IN (3, 4) "
      "AND p.purchase_time >= ?",
      {common::FormatMysqlDatetime(summary_query.purchases_since)});
  AddConditions(revenue, summary_query.conditions, &CustomerColumnSql);
  revenue.Add(" GROUP BY p.currency ORDER BY p.currency");

  std::map<int, int64_t> by_stage;
  std::map<int, int64_t> by_tier;
  for (int stage = v1::LIFECYCLE_STAGE_LEAD; stage <= v1::LifecycleStage_MAX; ++stage) {
    by_stage[stage] = 0;
  }
  for (int tier = v1::TIER_STANDARD; tier <= v1::Tier_MAX; ++tier) by_tier[tier] = 0;
  v1::CustomerSummary summary;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    {
      common::CachedStatement statement = Prepare(c, counts);
      std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
      while (rows->next()) {
        const int64_t count = rows->getInt64("customers");
        summary.set_customer_count(summary.customer_count() + count);
        by_stage[rows->getInt("lifecycle_stage")] += count;
        by_tier[rows->getInt("tier")] += count;
      }
    }
    common::CachedStatement statement = Prepare(c, revenue);
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    while (rows->next()) {
      crm::common::v1::Money& amount = *summary.add_revenue_amounts();
      amount.set_currency_code(std::string(rows->getString("currency")));
      amount.set_amount_minor(rows->getInt64("amount"));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  for (const auto& [stage, count] : by_stage) {
    v1::LifecycleStageCount& entry = *summary.add_stage_counts();
    entry.set_stage(static_cast<v1::LifecycleStage>(stage));
    entry.set_count(count);
  }
  for (const auto& [tier, count] : by_tier) {
    v1::TierCount& entry = *summary.add_tier_counts();
    entry.set_tier(static_cast<v1::Tier>(tier));
    entry.set_count(count);
  }
  return summary;
}

}  // namespace crm::customer
