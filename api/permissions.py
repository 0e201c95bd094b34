"""Who may do what in the API: "read" for GET, "send" for POST and DELETE; a key by its
scopes, a member by role (viewer reads, agent sends and deletes)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import ApiKey, Role
from api.authentication import request_key

READ = ApiKey.Scope.READ.value
SEND = ApiKey.Scope.SEND.value


class OrganizationAccess(BasePermission):
    """"read" for safe methods, "send" for the others: a key's scope, or a member's role."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False  # DRF turns this into 401 Not authenticated
        needed = READ if request.method in SAFE_METHODS else SEND
        key = request_key(request)
        if key is not None:
            if not key.allows(needed):
                self.message = f"This API key does not have the {needed} scope."
                return False
            return True
        membership = getattr(request, "membership", None)
        if membership is None:
            self.message = "You are not a member of any organization."
            return False
        role = Role.VIEWER if needed == READ else Role.AGENT
        if not membership.allows(role):
            self.message = f"This needs the {role.label} role or higher."
            return False
        return True


class AdminsManage(OrganizationAccess):
    """OrganizationAccess, and changes by members signed in only as owners or admins. A key
    changes them with the send scope when `key_refusal` is empty; otherwise it only reads,
    told `key_refusal`. `member_refusal` is what a member below admin is told."""

    member_refusal = "Only owners and admins change this."
    key_refusal = ""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS or self.anyone_may(request, view):
            return True
        if request_key(request) is not None:
            if self.key_refusal:
                self.message = self.key_refusal
                return False
            return True
        if not request.membership.allows(Role.ADMIN):
            self.message = self.member_refusal
            return False
        return True

    def anyone_may(self, request, view) -> bool:
        """A change every member with the send role may make (an action of a viewset)."""
        return False
