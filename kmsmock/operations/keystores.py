"""Custom key stores: CreateCustomKeyStore, DescribeCustomKeyStores, UpdateCustomKeyStore,
ConnectCustomKeyStore, DisconnectCustomKeyStore, DeleteCustomKeyStore, and what CreateKey and
GenerateRandom need of them.

Here requests become backend calls and answers: the stores live in ``backend.keystore``, the
rules of each store type in ``backend.keystore_rules``, and the described world they lean on
(clusters, proxies) in ``backend.outside``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from .. import errors
from ..backend import keystore_rules as rules
from ..backend.key import Key, new_material
from ..backend.keystore import (
    CLOUDHSM,
    EXTERNAL,
    FAILED,
    PUBLIC_ENDPOINT,
    VPC_ENDPOINT_SERVICE,
    CustomKeyStore,
    XksProxyConfig,
)
from ..backend.specs import KeySpec
from .paging import page
from .registry import Context, Request, Response, operation


def find_store(ctx: Context, store_id: str) -> CustomKeyStore:
    """The custom key store ``store_id`` of the caller's account and Region, as of now."""
    cks = ctx.store.custom_key_stores.get(store_id)
    if cks is None:
        raise errors.CKS_NOT_FOUND(store_id=store_id)
    cks.advance(ctx.now)
    return cks


def _xks_config(ctx: Context, req: Request) -> XksProxyConfig:
    rules.require_params(req, rules.XKS_REQUIRED, EXTERNAL)
    credential = req["XksProxyAuthenticationCredential"]
    config = XksProxyConfig(
        req["XksProxyConnectivity"],
        req["XksProxyUriEndpoint"],
        req["XksProxyUriPath"],
        credential["AccessKeyId"],
        credential["RawSecretAccessKey"],
    )
    if config.connectivity == VPC_ENDPOINT_SERVICE:
        if "XksProxyVpcEndpointServiceName" not in req:
            raise errors.VPC_SERVICE_NAME_REQUIRED()
        config.vpc_endpoint_service_name = req["XksProxyVpcEndpointServiceName"]
        config.vpc_endpoint_service_owner = req.get("XksProxyVpcEndpointServiceOwner", ctx.account)
    else:
        rules.refuse_vpc_params(req)
    return config


def _updated_xks_config(ctx: Context, req: Request, old: XksProxyConfig) -> XksProxyConfig:
    connectivity = req.get("XksProxyConnectivity", old.connectivity)
    new = replace(
        old,
        connectivity=connectivity,
        uri_endpoint=req.get("XksProxyUriEndpoint", old.uri_endpoint),
        uri_path=req.get("XksProxyUriPath", old.uri_path),
    )
    if "XksProxyAuthenticationCredential" in req:
        credential = req["XksProxyAuthenticationCredential"]
        new.access_key_id = credential["AccessKeyId"]
        new.secret = credential["RawSecretAccessKey"]
    if connectivity != old.connectivity and "XksProxyUriEndpoint" not in req:
        raise errors.URI_ENDPOINT_MUST_CHANGE(connectivity=connectivity)
    if connectivity == PUBLIC_ENDPOINT:
        rules.refuse_vpc_params(req)
        new.vpc_endpoint_service_name = new.vpc_endpoint_service_owner = None
    else:
        if connectivity != old.connectivity and "XksProxyVpcEndpointServiceName" not in req:
            raise errors.VPC_SERVICE_NAME_REQUIRED()
        new.vpc_endpoint_service_name = req.get(
            "XksProxyVpcEndpointServiceName", old.vpc_endpoint_service_name
        )
        new.vpc_endpoint_service_owner = req.get(
            "XksProxyVpcEndpointServiceOwner", old.vpc_endpoint_service_owner or ctx.account
        )
    return new


@operation("CreateCustomKeyStore", resource="*")
def create_custom_key_store(ctx: Context, req: Request) -> Response:
    stores = ctx.store.custom_key_stores
    kind = req.get("CustomKeyStoreType", CLOUDHSM)
    name = req["CustomKeyStoreName"]
    xks: XksProxyConfig | None = None
    if kind == CLOUDHSM:
        rules.refuse_params(req, rules.XKS_PARAMS, EXTERNAL)
        rules.require_params(req, rules.CLOUDHSM_PARAMS, CLOUDHSM)
        cluster_id = req["CloudHsmClusterId"]
        trust_anchor = req["TrustAnchorCertificate"]
        password = req["KeyStorePassword"]
        same = rules.retried(stores, name, cluster_id, trust_anchor, password)
        if same is not None:
            return {"CustomKeyStoreId": same.id}
    else:
        rules.refuse_params(req, rules.CLOUDHSM_PARAMS, CLOUDHSM)
        xks = _xks_config(ctx, req)
    rules.check_name_free(stores, name)
    rules.check_quota(stores)
    if xks is None:
        rules.check_new_cluster(stores, cluster_id, trust_anchor)
        cks = CustomKeyStore(
            stores.new_id(),
            name,
            CLOUDHSM,
            ctx.now,
            cluster_id=cluster_id,
            trust_anchor=trust_anchor,
            password=password,
        )
    else:
        rules.check_unique_proxy(stores, xks, None, ctx.region)
        rules.check_proxy_health(stores, xks)
        cks = CustomKeyStore(stores.new_id(), name, EXTERNAL, ctx.now, xks=xks)
    stores[cks.id] = cks
    return {"CustomKeyStoreId": cks.id}


def _entry(cks: CustomKeyStore) -> dict[str, Any]:
    out: dict[str, Any] = {
        "CustomKeyStoreId": cks.id,
        "CustomKeyStoreName": cks.name,
        "ConnectionState": cks.connection,
        "CreationDate": cks.created,
        "CustomKeyStoreType": cks.type,
    }
    if cks.connection == FAILED and cks.error_code:
        out["ConnectionErrorCode"] = cks.error_code
    if cks.xks is None:
        out["CloudHsmClusterId"] = cks.cluster_id
        out["TrustAnchorCertificate"] = cks.trust_anchor
    else:
        config: dict[str, Any] = {
            "Connectivity": cks.xks.connectivity,
            "AccessKeyId": cks.xks.access_key_id,  # never the secret
            "UriEndpoint": cks.xks.uri_endpoint,
            "UriPath": cks.xks.uri_path,
        }
        if cks.xks.connectivity == VPC_ENDPOINT_SERVICE:
            config["VpcEndpointServiceName"] = cks.xks.vpc_endpoint_service_name
            config["VpcEndpointServiceOwner"] = cks.xks.vpc_endpoint_service_owner
        out["XksProxyConfiguration"] = config
    return out


@operation("DescribeCustomKeyStores", resource="*")
def describe_custom_key_stores(ctx: Context, req: Request) -> Response:
    stores = ctx.store.custom_key_stores
    if "CustomKeyStoreId" in req and "CustomKeyStoreName" in req:
        raise errors.CKS_ID_AND_NAME()
    if "CustomKeyStoreId" in req:
        chosen = [find_store(ctx, req["CustomKeyStoreId"])]
    elif "CustomKeyStoreName" in req:
        found = stores.named(req["CustomKeyStoreName"])
        if found is None:
            raise errors.CKS_NAME_NOT_FOUND(name=req["CustomKeyStoreName"])
        chosen = [found]
    else:
        chosen = list(stores.values())
    chunk, paging = page(chosen, req, default_limit=100, max_limit=1000)
    for cks in chunk:
        cks.advance(ctx.now)
    return {"CustomKeyStores": [_entry(cks) for cks in chunk], **paging}


@operation("ConnectCustomKeyStore", resource="*")
def connect_custom_key_store(ctx: Context, req: Request) -> Response:
    stores = ctx.store.custom_key_stores
    cks = find_store(ctx, req["CustomKeyStoreId"])
    rules.check_connectable(stores, cks)
    cks.connect(ctx.now, stores.connect_delay[cks.type], stores.connect_outcome(cks))
    return {}  # connecting goes on after the answer: DescribeCustomKeyStores shows the state


@operation("DisconnectCustomKeyStore", resource="*")
def disconnect_custom_key_store(ctx: Context, req: Request) -> Response:
    cks = find_store(ctx, req["CustomKeyStoreId"])
    rules.check_disconnectable(cks)
    cks.disconnect()  # its keys are Unavailable from now on (they ask their store)
    return {}


def _live_keys(ctx: Context, cks: CustomKeyStore) -> list[str]:
    """The ids of the KMS keys still in ``cks`` (keys whose deletion came due are dropped)."""
    for key_id in [k for k in cks.keys if ctx.store.get(k, ctx.now) is None]:
        del cks.keys[key_id]
    return list(cks.keys)


@operation("DeleteCustomKeyStore", resource="*")
def delete_custom_key_store(ctx: Context, req: Request) -> Response:
    cks = find_store(ctx, req["CustomKeyStoreId"])
    rules.require_disconnected(cks, "be deleted")
    if _live_keys(ctx, cks):
        raise errors.CKS_HAS_KEYS(store_id=cks.id)
    del ctx.store.custom_key_stores[cks.id]
    return {}


@operation("UpdateCustomKeyStore", resource="*")
def update_custom_key_store(ctx: Context, req: Request) -> Response:
    stores = ctx.store.custom_key_stores
    cks = find_store(ctx, req["CustomKeyStoreId"])
    if cks.type == CLOUDHSM:
        rules.refuse_params(req, rules.XKS_PARAMS, EXTERNAL)
    else:
        rules.refuse_params(req, ("KeyStorePassword", "CloudHsmClusterId"), CLOUDHSM)
    rules.check_updatable(cks, [p for p in rules.UPDATABLE[cks.type] if p in req])
    name = req.get("NewCustomKeyStoreName")
    if name is not None and name != cks.name:
        rules.check_name_free(stores, name)
    if cks.type == CLOUDHSM:
        cluster_id = req.get("CloudHsmClusterId", cks.cluster_id)
        assert cluster_id is not None
        assert cks.cluster_id is not None
        if cluster_id != cks.cluster_id:
            rules.check_cluster_change(stores, cks.cluster_id, cluster_id)
        cks.cluster_id = cluster_id
        cks.password = req.get("KeyStorePassword", cks.password)
    else:
        assert cks.xks is not None
        config = _updated_xks_config(ctx, req, cks.xks)
        if config != cks.xks:
            rules.check_unique_proxy(stores, config, cks.id, ctx.region)
            rules.check_proxy_health(stores, config)
        cks.xks = config
    if name is not None:
        cks.name = name
    return {}


# -- what other operations need of custom key stores ---------------------------------------------


@dataclass(slots=True)
class Placement:
    """Where CreateKey puts a new KMS key: a custom key store, and for an external key store
    the external key that backs it."""

    store: CustomKeyStore
    xks_key_id: str | None

    def admit(self, key: Key, now: datetime) -> None:
        key.custom_key_store_id = self.store.id
        # The key material KMS uses here: in CloudHSM it lives in the cluster; in an external
        # key store it is KMS's half of double encryption (the external key is the other).
        key.materials.append(new_material(now, None, key.store.source))
        self.store.keys[key.key_id] = self.xks_key_id


def placement(ctx: Context, req: Request, spec: KeySpec, origin: str) -> Placement | None:
    """CreateKey's custom-key-store rules (Origin, CustomKeyStoreId, XksKeyId); None when the
    key is not created in a custom key store."""
    store_id = req.get("CustomKeyStoreId")
    xks_key_id = req.get("XksKeyId")
    rules.check_origin(origin, store_id, xks_key_id)
    if store_id is None:
        return None
    cks = find_store(ctx, store_id)
    rules.check_new_key(cks, origin, spec.name, bool(req.get("MultiRegion")))
    stores = ctx.store.custom_key_stores
    if cks.cluster_id is not None:
        stores.cluster(cks.cluster_id).check_usable(cks.cluster_id)
        return Placement(cks, None)
    assert cks.xks is not None
    assert xks_key_id is not None
    stores.proxy(cks.xks.uri_endpoint).check_external_key(xks_key_id)

    def live_key_arn(key_id: str) -> str | None:
        exists = ctx.store.get(key_id, ctx.now) is not None
        return ctx.store.key_arn(key_id) if exists else None

    rules.check_external_key_free(cks, xks_key_id, live_key_arn)
    return Placement(cks, xks_key_id)


def require_random_source(ctx: Context, store_id: str) -> None:
    """GenerateRandom in a custom key store: only a connected CloudHSM key store."""
    rules.check_random_source(find_store(ctx, store_id))
