"""Another team's view of supplier_svc: the Python messages and client class
that grpc_tools generates from protos/ (as a client team would generate them)
call the running service. Exits 0 when every check passes; prints what failed otherwise.

    /usr/bin/python3 supplier_client.py --target=127.0.0.1:PORT --token=TOKEN \
        --proto_root=protos/
"""

import argparse
import importlib
import os
import sys
import tempfile
import uuid

import grpc
from grpc_tools import protoc

SYSTEM_PROTOS = "/usr/include"  # google/protobuf/*.proto (libprotobuf-dev)


def generate_python_code(proto_root, out_dir):
    """Generates the Python messages and gRPC client classes of crm/common and crm/supplier."""
    sources = []
    for package in ("crm/common/v1", "crm/supplier/v1"):
        folder = os.path.join(proto_root, package)
        sources += [os.path.join(package, name) for name in sorted(os.listdir(folder))
                    if name.endswith(".proto")]
    code = protoc.main(["grpc_tools.protoc", f"-I{proto_root}", f"-I{SYSTEM_PROTOS}",
                        f"--python_out={out_dir}", f"--grpc_python_out={out_dir}"] + sources)
    if code != 0:
        raise SystemExit(f"protoc failed with {code} for {sources}")
    sys.path.insert(0, out_dir)


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def expect_error(call, code, text, what):
    try:
        call()
    except grpc.RpcError as error:
        expect(error.code() == code, f"{what}: {error.code()} instead of {code}: {error.details()}")
        expect(text in error.details(), f"{what}: {text!r} not in {error.details()!r}")
        return
    raise AssertionError(f"{what}: succeeded instead of {code}")


def run(target, token):
    supplier_pb2 = importlib.import_module("crm.supplier.v1.supplier_pb2")
    service_pb2 = importlib.import_module("crm.supplier.v1.supplier_service_pb2")
    service_grpc = importlib.import_module("crm.supplier.v1.supplier_service_pb2_grpc")
    auth = [("authorization", f"Bearer {token}")]
    with grpc.insecure_channel(target) as channel:
        suppliers = service_grpc.SupplierServiceStub(channel)  # the generated client class

        supplier = supplier_pb2.Supplier(
            display_name="Müller Stahl GmbH'; DROP TABLE suppliers; --",
            categories=[supplier_pb2.SUPPLIER_CATEGORY_RAW_MATERIAL,
                        supplier_pb2.SUPPLIER_CATEGORY_COMPONENT])
        request_id = str(uuid.uuid4())
        create = service_pb2.CreateSupplierRequest(supplier=supplier, request_id=request_id)
        created = suppliers.CreateSupplier(create, metadata=auth, timeout=30).supplier
        expect(created.name.startswith("suppliers/"), f"created name {created.name!r}")
        expect(created.display_name == supplier.display_name,
               f"display name stored verbatim: {created.display_name!r}")
        expect(created.status == supplier_pb2.SUPPLIER_STATUS_PROSPECTIVE,
               f"a new supplier is PROSPECTIVE, got {created.status}")
        expect(created.create_time.ToDatetime().year >= 2024, f"create_time {created.create_time}")
        expect(created.etag, "an etag")

        replayed = suppliers.CreateSupplier(create, metadata=auth, timeout=30).supplier
        expect(replayed == created, "the replay of a request_id returns the first result")

        got = suppliers.GetSupplier(service_pb2.GetSupplierRequest(name=created.name),
                               metadata=auth, timeout=30).supplier
        expect(got == created, "GetSupplier returns what CreateSupplier returned")

        listed = suppliers.ListSuppliers(
            service_pb2.ListSuppliersRequest(filter="categories = RAW_MATERIAL", page_size=10),
            metadata=auth, timeout=30)
        expect([s.name for s in listed.suppliers] == [created.name],
               f"the category filter finds the one supplier: {[s.name for s in listed.suppliers]}")

        expect_error(lambda: suppliers.CreateSupplier(
            service_pb2.CreateSupplierRequest(supplier=supplier_pb2.Supplier(display_name="")),
            metadata=auth, timeout=30),
            grpc.StatusCode.INVALID_ARGUMENT, "display_name", "an empty display name")
        expect_error(lambda: suppliers.ListSuppliers(
            service_pb2.ListSuppliersRequest(filter="colour = red"), metadata=auth, timeout=30),
            grpc.StatusCode.INVALID_ARGUMENT, "colour", "a filter on an unknown field")
        expect_error(lambda: suppliers.GetSupplier(
            service_pb2.GetSupplierRequest(name="suppliers/999999"), metadata=auth, timeout=30),
            grpc.StatusCode.NOT_FOUND, "suppliers/999999", "a supplier that does not exist")
        expect_error(lambda: suppliers.GetSupplier(
            service_pb2.GetSupplierRequest(name=created.name), timeout=30),
            grpc.StatusCode.UNAUTHENTICATED, "bearer token", "a call without a token")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--proto_root", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out_dir:
        generate_python_code(args.proto_root, out_dir)
        try:
            run(args.target, args.token)
        except (AssertionError, grpc.RpcError) as failure:
            print(f"supplier_client: FAILED: {failure}")
            return 1
    print("supplier_client: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
