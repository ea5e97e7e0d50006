"""The rotation of a space's roles: who held each role over the years (seen by whoever sees the space)."""

from __future__ import annotations

from django.shortcuts import render

from .. import rotation
from .common import load_space


def role_rotation(request, territory, space):
    space = load_space(request, territory, space)
    return render(request, "spaces/role_rotation.html", {
        "territory": space.territory, "space": space, "rotations": rotation.rotation_of(space, request.user),
        "can_manage": request.user.has_perm("spaces.manage_roles", space),
    })
