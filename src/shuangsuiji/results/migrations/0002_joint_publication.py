"""One publication per drawn target of a task, covering every department's part of a joint
task (R11): Publication gets its task and target, a result part points at its publication,
and each part keeps its own lateness (the late department's record)."""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def link_parts(apps: Any, schema_editor: Any) -> None:
    Publication = apps.get_model("results", "Publication")
    Result = apps.get_model("results", "Result")
    for pub in Publication.objects.select_related("result"):
        pub.task_id = pub.result.task_id
        pub.target_id = pub.result.target_id
        pub.deadline = pub.result.deadline
        pub.save(update_fields=["task", "target", "deadline"])
        Result.objects.filter(pk=pub.result_id).update(
            publication=pub, late_working_days=pub.working_days_late
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_import_jobs"),
        ("tasks", "0001_initial"),
        ("results", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="task",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="publications",
                to="tasks.task",
            ),
        ),
        migrations.AddField(
            model_name="publication",
            name="target",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="publications",
                to="directory.target",
            ),
        ),
        migrations.AddField(
            model_name="publication",
            name="deadline",
            field=models.DateField(null=True, verbose_name="publication deadline"),
        ),
        migrations.AddField(
            model_name="result",
            name="late_working_days",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="How many working days after its deadline this part was approved",
                verbose_name="working days late",
            ),
        ),
        migrations.AddField(
            model_name="result",
            name="publication",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="parts",
                to="results.publication",
            ),
        ),
        migrations.RunPython(link_parts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="publication", name="result"),
        migrations.AlterField(
            model_name="publication",
            name="task",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="publications",
                to="tasks.task",
            ),
        ),
        migrations.AlterField(
            model_name="publication",
            name="target",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="publications",
                to="directory.target",
            ),
        ),
        migrations.AlterField(
            model_name="publication",
            name="deadline",
            field=models.DateField(verbose_name="publication deadline"),
        ),
        migrations.AlterField(
            model_name="result",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Being entered"),
                    ("submitted", "Awaiting review"),
                    ("returned", "Returned for correction"),
                    ("approved", "Approved, waiting for the other departments"),
                    ("published", "Published"),
                ],
                default="draft",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AddConstraint(
            model_name="publication",
            constraint=models.UniqueConstraint(
                fields=("task", "target"), name="publication_once_per_target"
            ),
        ),
    ]
