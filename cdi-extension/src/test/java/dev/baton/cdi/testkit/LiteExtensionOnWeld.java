package dev.baton.cdi.testkit;

import dev.baton.cdi.BatonLiteExtension;
import jakarta.enterprise.inject.build.compatible.spi.BeanInfo;
import jakarta.enterprise.inject.build.compatible.spi.Discovery;
import jakarta.enterprise.inject.build.compatible.spi.Messages;
import jakarta.enterprise.inject.build.compatible.spi.MetaAnnotations;
import jakarta.enterprise.inject.build.compatible.spi.Registration;
import jakarta.enterprise.inject.build.compatible.spi.ScannedClasses;
import jakarta.enterprise.inject.build.compatible.spi.Synthesis;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticComponents;
import jakarta.enterprise.inject.build.compatible.spi.Validation;

/**
 * {@link BatonLiteExtension} without its {@code @SkipIfPortableExtensionPresent}, so that Weld runs it: Weld's
 * translator skips every build-compatible extension that carries that annotation (on CDI Full the portable extension
 * is always there), and reads extension methods from the class itself only, hence the overrides. Every override only
 * calls the real method.
 */
public class LiteExtensionOnWeld extends BatonLiteExtension {

    /** For Weld's translator. */
    public LiteExtensionOnWeld() {}

    @Override
    @Discovery
    public void discovery(MetaAnnotations meta, ScannedClasses scan) {
        super.discovery(meta, scan);
    }

    @Override
    @Registration(types = Object.class)
    public void registration(BeanInfo bean) {
        super.registration(bean);
    }

    @Override
    @Synthesis
    public void synthesis(SyntheticComponents synthesis) {
        super.synthesis(synthesis);
    }

    @Override
    @Validation
    public void validation(Messages messages) {
        super.validation(messages);
    }
}
