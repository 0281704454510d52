#ifndef CRM_TESTS_SUPPLIER_SVC_E2E_ACTIVE_SUPPLIER_H_
#define CRM_TESTS_SUPPLIER_SVC_E2E_ACTIVE_SUPPLIER_H_

#include <string>

#include "crm/supplier/v1/supplier_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/service_under_test.h"

namespace crm::supplier::e2e_support {

// Creates a COMPONENT supplier named `display_name` and makes it ACTIVE over
// gRPC with the writer's `token`; returns its resource name (a failed call
// fails the test).
inline std::string ActiveSupplier(v1::SupplierService::Stub& suppliers, const std::string& token,
                                  const std::string& display_name) {
  grpc::ClientContext create_context;
  v1::CreateSupplierRequest create;
  create.mutable_supplier()->set_display_name(display_name);
  create.mutable_supplier()->add_categories(v1::SUPPLIER_CATEGORY_COMPONENT);
  v1::CreateSupplierResponse created;
  grpc::Status status = suppliers.CreateSupplier(
      ::crm::test_support::Authorized(create_context, token), create, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  grpc::ClientContext change_context;
  v1::ChangeSupplierStatusRequest change;
  change.set_name(created.supplier().name());
  change.set_status(v1::SUPPLIER_STATUS_ACTIVE);
  change.set_reason("qualified");
  v1::ChangeSupplierStatusResponse changed;
  status = suppliers.ChangeSupplierStatus(::crm::test_support::Authorized(change_context, token),
                                          change, &changed);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return created.supplier().name();
}

}  // namespace crm::supplier::e2e_support

#endif  // CRM_TESTS_SUPPLIER_SVC_E2E_ACTIVE_SUPPLIER_H_
