"""gen_dash.text: folding names for matching, and French words for the system's errors."""

from __future__ import annotations

import errno

import pandas as pd
import pytest

from gen_dash.text import fold, fold_series, os_error


@pytest.mark.parametrize(
    "written, folded",
    [
        ("  Seine-Saint-Denis ", "seine saint denis"),
        ("CŒUR DE FRANCE", "coeur de france"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Saint-Étienne", "saint etienne"),
        ("Dév. web / Web mobile", "dev web web mobile"),
        ("", ""),
    ],
)
def test_fold_and_its_vectorised_twin_agree(written, folded):
    assert fold(written) == folded
    assert fold_series(pd.Series([written])).tolist() == [folded]


@pytest.mark.parametrize(
    "code, french",
    [
        (errno.ENOENT, "fichier ou dossier introuvable"),
        (errno.EACCES, "accès refusé"),
        (errno.EROFS, "système de fichiers en lecture seule"),
        (errno.ENOSPC, "plus de place sur le disque"),
        (errno.EXDEV, f"erreur du système (code {errno.EXDEV})"),
    ],
)
def test_os_errors_are_said_in_french(code, french):
    assert os_error(OSError(code, "English words")) == french
